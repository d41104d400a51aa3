using Paygate.Gateway.Payments;
using Paygate.Gateway.Risk;
using static Paygate.Gateway.Tests.Risk.RiskTestRules;

namespace Paygate.Gateway.Tests.Risk;

public sealed class RiskEngineTests
{
    private const string IpCountries = """
        "ip_countries": { "ranges": { "198.51.100.0/24": "US", "203.0.113.0/24": "CN", "2001:db8:1::/48": "DE", "192.0.2.0/24": "KP" } }
        """;

    [Fact]
    public void Assess_NoRulesLoaded_BlocksAsUnavailable()
    {
        var engine = new RiskEngine(Microsoft.Extensions.Options.Options.Create(new RiskOptions()), Microsoft.Extensions.Logging.Abstractions.NullLogger<RiskEngine>.Instance);

        var assessment = engine.Assess(Request());

        Assert.Equal(RiskOutcome.Block, assessment.Outcome);
        Assert.Equal("risk.unavailable", Assert.Single(assessment.Hits).Rule);
        Assert.Equal(0, assessment.RuleSetVersion);
    }

    [Fact]
    public void Assess_EmptyRuleSet_AllowsWithNoHits()
    {
        var assessment = Engine("{}").Assess(Request(ip: "192.0.2.1", card: "fp_1"));

        Assert.Equal(RiskOutcome.Allow, assessment.Outcome);
        Assert.Empty(assessment.Hits);
        Assert.Equal(1, assessment.RuleSetVersion);
        Assert.Null(assessment.Challenge);
    }

    [Fact]
    public void Assess_BlockedCustomer_Blocks()
    {
        var engine = Engine("""{ "lists": { "customers": { "entries": ["cus_bad"], "action": "BLOCK" } } }""");

        var hit = Single(engine.Assess(Request(customerId: "cus_bad")), "lists.customer");

        Assert.Equal(RiskOutcome.Block, hit.Action);
        Assert.Equal("cus_bad", hit.Inputs["customer_id"]);
        Assert.Equal(RiskOutcome.Allow, engine.Assess(Request(customerId: "cus_good")).Outcome);
    }

    [Fact]
    public void Assess_BlockedCardFingerprint_Blocks()
    {
        var engine = Engine("""{ "lists": { "cards": { "entries": ["fp_stolen"] } } }""");

        Assert.Equal(RiskOutcome.Block, engine.Assess(Request(card: "fp_stolen")).Outcome);
        Assert.Equal(RiskOutcome.Allow, engine.Assess(Request(card: "fp_other")).Outcome);
    }

    [Theory]
    [InlineData("198.51.100.77", true)]
    [InlineData("198.51.101.1", false)]
    [InlineData("10.0.0.1", true)]
    [InlineData("2001:db8:abcd::1", true)]
    [InlineData("2001:db9::1", false)]
    [InlineData("::ffff:198.51.100.5", true)]
    public void Assess_BlockedIpsAndRanges_BlockAddressesInside(string ip, bool blocked)
    {
        var engine = Engine("""{ "lists": { "ips": { "entries": ["198.51.100.0/24", "10.0.0.1", "2001:db8::/32"], "action": "BLOCK" } } }""");

        var assessment = engine.Assess(Request(ip: ip));

        Assert.Equal(blocked ? RiskOutcome.Block : RiskOutcome.Allow, assessment.Outcome);
        if (blocked)
        {
            Assert.Equal("lists.ip", Assert.Single(assessment.Hits).Rule);
        }
    }

    [Fact]
    public void Assess_HighRiskCountry_BlocksTheCustomersCountryAndThePayersIpCountry()
    {
        var engine = Engine($$"""{ "lists": { "countries": { "entries": ["KP"], "action": "BLOCK" } }, {{IpCountries}} }""");

        var byCustomer = Single(engine.Assess(Request(country: "KP")), "lists.country");
        var byIp = Single(engine.Assess(Request(country: "CN", ip: "192.0.2.10")), "lists.country");

        Assert.Equal("customer.country", byCustomer.Inputs["source"]);
        Assert.Equal("payer.ip", byIp.Inputs["source"]);
        Assert.Equal(RiskOutcome.Allow, engine.Assess(Request(country: "CN", ip: "203.0.113.5")).Outcome);
    }

    [Fact]
    public void Assess_IpCountryNotTheCustomers_TakesTheRulesAction()
    {
        var engine = Engine($$"""{ "geography": { "ip_country": { "action": "CHALLENGE" } }, {{IpCountries}} }""");

        var assessment = engine.Assess(Request(country: "CN", ip: "198.51.100.9"));

        Assert.Equal(RiskOutcome.Challenge, assessment.Outcome);
        Assert.Equal(ChallengeState.Pending, assessment.Challenge);
        var hit = Single(assessment, "geo.ip_country");
        Assert.Equal("US", hit.Inputs["ip_country"]);
        Assert.Equal("CN", hit.Inputs["customer_country"]);
        Assert.Equal(RiskOutcome.Allow, engine.Assess(Request(country: "CN", ip: "203.0.113.9")).Outcome);
        // An address no range places decides nothing.
        Assert.Equal(RiskOutcome.Allow, engine.Assess(Request(country: "CN", ip: "100.64.0.1")).Outcome);
    }

    [Fact]
    public void Assess_PayerFartherThanTheLimit_Challenges()
    {
        var engine = Engine("""{ "geography": { "distance": { "max_km": 500, "action": "CHALLENGE" } } }""");
        var beijing = new GeoPoint(39.9042, 116.4074);
        var shanghai = new GeoPoint(31.2304, 121.4737);
        var tianjin = new GeoPoint(39.3434, 117.3616);

        var far = Single(engine.Assess(Request(location: shanghai, home: beijing)), "geo.distance");

        Assert.Equal(RiskOutcome.Challenge, far.Action);
        Assert.InRange(double.Parse(far.Inputs["distance_km"], System.Globalization.CultureInfo.InvariantCulture), 1000, 1100);
        Assert.Equal("500", far.Inputs["max_km"]);
        Assert.Empty(engine.Assess(Request(location: tianjin, home: beijing)).Hits);
        Assert.Empty(engine.Assess(Request(location: shanghai, home: null)).Hits);
    }

    [Fact]
    public void Assess_CrossBorder_UsesTheMerchantsOwnCountryOverTheDefault()
    {
        var engine = Engine($$"""
            { "geography": { "merchant_countries": { "default": "CN", "merchants": { "mch_us": "US" } }, "cross_border": { "action": "CHALLENGE" } }, {{IpCountries}} }
            """);

        var abroad = Single(engine.Assess(Request(country: "US", ip: "198.51.100.1")), "geo.cross_border");

        Assert.Equal("US", abroad.Inputs["payer_country"]);
        Assert.Equal("CN", abroad.Inputs["merchant_country"]);
        Assert.Empty(engine.Assess(Request(country: "US", ip: "198.51.100.1", merchant: "mch_us")).Hits);
        Assert.Empty(engine.Assess(Request(country: "US", ip: "203.0.113.1")).Hits);
    }

    [Fact]
    public void Assess_SanctionedPayerName_BlocksAFuzzyMatchOnly()
    {
        var engine = Engine("""{ "sanctions": { "names": ["Ivan Petrovich Sidorenko", "Golden Crescent Exchange"], "threshold": 0.9, "action": "BLOCK" } }""");

        var hit = Single(engine.Assess(Request(accountName: "SIDORENKO, Ivan Petrovitch")), "sanctions.name");

        Assert.Equal(RiskOutcome.Block, hit.Action);
        Assert.Equal("Ivan Petrovich Sidorenko", hit.Inputs["listed_name"]);
        Assert.Equal(RiskOutcome.Allow, engine.Assess(Request(accountName: "Ivana Sidorova")).Outcome);
        Assert.Equal(RiskOutcome.Allow, engine.Assess(Request(accountName: "Acme Trading Ltd")).Outcome);
    }

    [Fact]
    public void Assess_ThirdMethodWithinTheWindow_Challenges()
    {
        var engine = Engine("""{ "velocity": { "methods": { "distinct": 3, "window_seconds": 300, "action": "CHALLENGE" } } }""");
        engine.Saved(Payment(channel: "alipay", at: Now.AddMinutes(-4)), null, PaymentEventTypes.Created);
        engine.Saved(Payment(channel: "wechatpay", at: Now.AddMinutes(-2)), null, PaymentEventTypes.Created);

        var third = engine.Assess(Request(method: "card"));
        var same = engine.Assess(Request(method: "alipay"));
        var later = engine.Assess(Request(method: "card", now: Now.AddMinutes(2)));

        var hit = Single(third, "velocity.methods");
        Assert.Equal("3", hit.Inputs["distinct_methods"]);
        Assert.Equal("alipay,card,wechatpay", hit.Inputs["methods"]);
        Assert.Equal(RiskOutcome.Challenge, third.Outcome);
        Assert.Equal(RiskOutcome.Allow, same.Outcome);
        Assert.Equal(RiskOutcome.Allow, later.Outcome); // the alipay payment left the window
    }

    [Fact]
    public void Assess_MethodsByDeviceAndCard_CountAcrossCustomers()
    {
        var engine = Engine("""{ "velocity": { "methods": { "distinct": 3, "window_seconds": 300 } } }""");
        engine.Saved(Payment(customerId: "cus_a", channel: "alipay", device: "dev_1", at: Now.AddMinutes(-1)), null, PaymentEventTypes.Created);
        engine.Saved(Payment(customerId: "cus_b", channel: "wechatpay", device: "dev_1", at: Now.AddMinutes(-1)), null, PaymentEventTypes.Created);
        engine.Saved(Payment(customerId: "cus_c", channel: "unionpay", card: "fp_9", at: Now.AddMinutes(-1)), null, PaymentEventTypes.Created);
        engine.Saved(Payment(customerId: "cus_d", channel: "alipay", card: "fp_9", at: Now.AddMinutes(-1)), null, PaymentEventTypes.Created);

        Assert.Equal("device", Single(engine.Assess(Request(customerId: "cus_z", device: "dev_1", method: "card")), "velocity.methods").Inputs["key"]);
        Assert.Equal("card", Single(engine.Assess(Request(customerId: "cus_z", card: "fp_9", method: "card")), "velocity.methods").Inputs["key"]);
    }

    [Fact]
    public void Assess_PaymentsPerDay_ChallengesTheOneOverTheLimitAndStartsAgainTomorrow()
    {
        var engine = Engine("""{ "velocity": { "count_per_day": { "max": 2, "action": "CHALLENGE" } } }""");
        engine.Saved(Payment(at: Now.AddHours(-2)), null, PaymentEventTypes.Created);
        Assert.Equal(RiskOutcome.Allow, engine.Assess(Request()).Outcome);
        engine.Saved(Payment(at: Now.AddHours(-1)), null, PaymentEventTypes.Created);

        var third = Single(engine.Assess(Request()), "velocity.count_per_day");

        Assert.Equal("3", third.Inputs["payments_today"]);
        Assert.Equal("2", third.Inputs["max"]);
        Assert.Equal(RiskOutcome.Allow, engine.Assess(Request(now: Now.AddDays(1))).Outcome);
        Assert.Equal(RiskOutcome.Allow, engine.Assess(Request(customerId: "cus_2")).Outcome);
    }

    [Fact]
    public void Assess_AmountPerDay_CountsThisPaymentAndOnlyItsCurrency()
    {
        var engine = Engine("""{ "velocity": { "amount_per_day": { "max_minor": { "CNY": 50000 }, "action": "BLOCK" } } }""");
        engine.Saved(Payment(amount: 30_000, at: Now.AddMinutes(-30)), null, PaymentEventTypes.Created);

        Assert.Equal(RiskOutcome.Allow, engine.Assess(Request(amount: 20_000)).Outcome);
        var over = Single(engine.Assess(Request(amount: 20_001)), "velocity.amount_per_day");
        Assert.Equal("50001", over.Inputs["amount_today_minor"]);
        Assert.Equal(RiskOutcome.Block, over.Action);
        Assert.Equal(RiskOutcome.Allow, engine.Assess(Request(amount: 900_000, currency: "USD")).Outcome);
    }

    [Fact]
    public void Assess_DeclinesInARow_ChallengeThenBlock_AndASuccessResets()
    {
        var engine = Engine("""{ "velocity": { "declines": { "challenge_after": 2, "block_after": 3 } } }""");
        void Decline()
        {
            var p = Payment(state: PaymentState.Failed, errorCode: "PM-1001");
            engine.Saved(p, PaymentState.Processing, PaymentEventTypes.Failed);
        }
        Decline();
        Assert.Equal(RiskOutcome.Allow, engine.Assess(Request()).Outcome);
        Decline();
        Assert.Equal(RiskOutcome.Challenge, engine.Assess(Request()).Outcome);
        // A channel's own failure is no decline of the payer's.
        engine.Saved(Payment(state: PaymentState.Failed, errorCode: "PM-4002"), PaymentState.Processing, PaymentEventTypes.Failed);
        Assert.Equal(RiskOutcome.Challenge, engine.Assess(Request()).Outcome);
        Decline();
        var blocked = Single(engine.Assess(Request()), "velocity.declines");
        Assert.Equal(RiskOutcome.Block, blocked.Action);
        Assert.Equal("3", blocked.Inputs["declines_in_row"]);

        engine.Saved(Payment(state: PaymentState.Succeeded), PaymentState.Processing, PaymentEventTypes.Succeeded);

        Assert.Equal(RiskOutcome.Allow, engine.Assess(Request()).Outcome);
    }

    [Fact]
    public void Assess_StrictestHitDecides()
    {
        var engine = Engine($$"""
            {
              "lists": { "customers": { "entries": ["cus_1"], "action": "CHALLENGE" }, "countries": { "entries": ["KP"], "action": "BLOCK" } },
              "geography": { "ip_country": { "action": "ALLOW" } }, {{IpCountries}}
            }
            """);

        var assessment = engine.Assess(Request(customerId: "cus_1", country: "KP", ip: "198.51.100.1"));

        Assert.Equal(RiskOutcome.Block, assessment.Outcome);
        Assert.Equal(["lists.customer", "lists.country", "geo.ip_country"], assessment.Hits.Select(h => h.Rule));
    }

    [Fact]
    public void Assess_ANotedRule_AllowsANormalCustomerButChallengesAnElevatedOne()
    {
        var engine = Engine($$"""
            { "geography": { "ip_country": { "action": "ALLOW" } }, "customer_levels": { "cus_e": "elevated" }, {{IpCountries}} }
            """);

        var normal = engine.Assess(Request(customerId: "cus_n", ip: "198.51.100.1"));
        var elevated = engine.Assess(Request(customerId: "cus_e", ip: "198.51.100.1"));
        var elevatedClean = engine.Assess(Request(customerId: "cus_e", ip: "203.0.113.1"));

        Assert.Equal(RiskOutcome.Allow, normal.Outcome);
        Assert.Equal("geo.ip_country", Assert.Single(normal.Hits).Rule);
        Assert.Equal(RiskOutcome.Challenge, elevated.Outcome);
        Assert.Equal("elevated", elevated.CustomerLevel);
        Assert.Equal("geo.ip_country", Single(elevated, "level.customer").Inputs["noted_rules"]);
        Assert.Equal(RiskOutcome.Allow, elevatedClean.Outcome);
    }

    [Fact]
    public void Assess_HighCustomer_ChallengesEverythingNotBlocked()
    {
        var engine = Engine("""{ "customer_levels": { "cus_h": "high" }, "lists": { "cards": { "entries": ["fp_bad"] } } }""");

        var clean = engine.Assess(Request(customerId: "cus_h"));
        var blocked = engine.Assess(Request(customerId: "cus_h", card: "fp_bad"));

        Assert.Equal(RiskOutcome.Challenge, clean.Outcome);
        Assert.Equal("high", Single(clean, "level.customer").Inputs["level"]);
        Assert.Equal(RiskOutcome.Block, blocked.Outcome);
        Assert.DoesNotContain(blocked.Hits, h => h.Rule == "level.customer");
    }

    [Fact]
    public void Saved_APaymentPaidAgain_CountsItsNewMethodButNotAnotherPayment()
    {
        var engine = Engine("""{ "velocity": { "methods": { "distinct": 2, "window_seconds": 300 }, "count_per_day": { "max": 1 } } }""");
        var payment = Payment(channel: "alipay", at: Now.AddMinutes(-1));
        engine.Saved(payment, null, PaymentEventTypes.Created);
        payment.Attempts.Add(new Attempt
        {
            Id = "att_2",
            Number = 2,
            Channel = "wechatpay",
            Reference = "r2",
            State = AttemptState.Pending,
            CreateTime = Now,
            UpdateTime = Now,
        });
        payment.UpdateTime = Now.AddSeconds(-10);

        engine.Saved(payment, PaymentState.Failed, PaymentEventTypes.Retried);

        var assessment = engine.Assess(Request(method: "wechatpay"));
        Assert.Equal("alipay,wechatpay", Single(assessment, "velocity.methods").Inputs["methods"]);
        Assert.Equal("2", Single(assessment, "velocity.count_per_day").Inputs["payments_today"]);
    }

    [Fact]
    public void Apply_AnOlderVersion_DoesNotReplaceANewerOne()
    {
        var engine = Engine("{}");
        engine.Apply(new RiskRuleVersion(3, "{}", "t", Now, 0), RiskRuleSet.AllowAll);

        Assert.False(engine.Apply(new RiskRuleVersion(2, "{}", "t", Now, 0), RiskRuleSet.AllowAll));
        Assert.Equal(3, engine.Assess(Request()).RuleSetVersion);
    }
}
