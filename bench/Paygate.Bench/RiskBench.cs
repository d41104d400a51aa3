using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Money;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Risk;
using Paygate.V1;
using Customer = Paygate.V1.Customer;
using Payment = Paygate.V1.Payment;
using RiskRuleSet = Paygate.Gateway.Risk.RiskRuleSet;
using GeoPoint = Paygate.Gateway.Payments.GeoPoint;
using PayerContext = Paygate.Gateway.Payments.PayerContext;
using CardSummary = Paygate.Gateway.Payments.CardSummary;

namespace Paygate.Bench;

/// <summary>
/// The risk engine's cost (<c>--only risk</c>): <see cref="RiskEngine.Assess"/> alone with the full rule set and 100,000 list
/// entries (generated), then card creates at 64 in flight with that rule set in force against an allow-everything one, in
/// the same run and alternating (allow, full, allow, full), so that the p99 difference is not a drift of the machine.
/// </summary>
internal static class RiskBench
{
    private const int ListEntriesEach = 25_000;
    private const int Customers = 10_000;

    public static async Task<int> RunAsync(BenchSettings settings, TextWriter output)
    {
        var folder = Directory.CreateTempSubdirectory("paygate-bench-risk-");
        try
        {
            var document = FullRuleSet(folder.FullName);
            // Rule files are read only from the risk data folder: the generated lists and the sandbox's IP ranges sit together there.
            File.Copy(Path.Combine(AppContext.BaseDirectory, "risk-ip-countries.csv"), Path.Combine(folder.FullName, "risk-ip-countries.csv"));
            var rules = RiskRuleParser.Parse(document, folder.FullName);
            output.WriteLine($"full rule set: {rules.ListEntries:N0} list entries (customers, cards, IPs and ranges, sanctioned names), velocity, geography, levels");

            AssessAlone(rules, document, settings, output);
            return await CreatesAsync(rules, document, settings, folder.FullName, output);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    private static void AssessAlone(RiskRuleSet rules, string document, BenchSettings settings, TextWriter output)
    {
        var engine = new RiskEngine(Options.Create(new RiskOptions()), NullLogger<RiskEngine>.Instance);
        engine.Apply(new RiskRuleVersion(1, document, "bench", DateTimeOffset.UtcNow, rules.ListEntries), rules);
        var requests = Enumerable.Range(0, 4096).Select(i => Request(i, swift: i % 20 == 0)).ToArray();
        // The windows as a busy day leaves them: every customer with a few payments.
        foreach (var r in requests.Take(2048))
        {
            engine.Saved(SavedPayment(r), null, PaymentEventTypes.Created);
        }
        var calls = settings.CallsPerRun ?? 200_000;
        foreach (var threads in new[] { 1, 64 })
        {
            for (var i = 0; i < 20_000; i++)
            {
                engine.Assess(requests[i % requests.Length]);
            }
            var latencies = new double[calls];
            var outcomes = new int[4];
            var clock = Stopwatch.StartNew();
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                for (var i = t; i < calls; i += threads)
                {
                    var started = Stopwatch.GetTimestamp();
                    var assessment = engine.Assess(requests[i % requests.Length]);
                    latencies[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
                    Interlocked.Increment(ref outcomes[(int)assessment.Outcome]);
                }
            });
            var elapsed = clock.Elapsed.TotalSeconds;
            Array.Sort(latencies);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{"RiskEngine.Assess, " + threads + " thread(s)",-34} {calls / elapsed,9:F0}/s  p50 {latencies[calls / 2],7:F1} µs  p99 {latencies[(int)(calls * 0.99)],7:F1} µs  max {latencies[^1],8:F1} µs  "
                + $"(allow {outcomes[1]}, challenge {outcomes[2]}, block {outcomes[3]}; 5% SWIFT payer names screened)"));
        }
    }

    private static async Task<int> CreatesAsync(RiskRuleSet full, string document, BenchSettings settings, string folder, TextWriter output)
    {
        await using var gateway = await GatewayUnderBench.StartAsync(Path.Combine(folder, "paygate.db"));
        var engine = gateway.Services.GetRequiredService<RiskEngine>();
        var store = gateway.Services.GetRequiredService<IRiskRuleStore>();
        var merchant = gateway.Services.GetRequiredService<Paygate.Gateway.Merchants.IMerchantStore>();
        var merchantId = (await merchant.ListMerchantsAsync(null, 1, CancellationToken.None)).First().Id;
        async Task PutInForceAsync(string doc, RiskRuleSet rules)
        {
            var latest = await store.LatestVersionAsync(CancellationToken.None);
            var version = await store.AddAsync(latest, doc, "bench", DateTimeOffset.UtcNow, rules.ListEntries, null, CancellationToken.None)
                ?? throw new InvalidOperationException("another rule set version came first");
            engine.Apply(version, rules);
        }

        var seed = await gateway.Payments.CreatePaymentAsync(CardRequest(0));
        // Until the payment lifecycle calls the engine, the bench calls it beside each create, in this process, so that the
        // figure still charges its cost to the same cores; once it does (the payment carries a decision), the bench stops.
        var inLifecycle = seed.Risk is not null;
        output.WriteLine(inLifecycle
            ? "the payment lifecycle calls the risk engine: creates measured as they are"
            : "the payment lifecycle does not call the risk engine yet: the bench calls RiskEngine.Assess beside each create (same process, same cores)");
        await Bench.WarmUpAsync(gateway, settings);

        var counter = 0;
        Task Call(int worker)
        {
            var n = Interlocked.Increment(ref counter);
            if (!inLifecycle)
            {
                var request = Request(n, swift: false) with { MerchantId = merchantId, Now = DateTimeOffset.UtcNow };
                if (engine.Assess(request).Outcome != RiskOutcome.Allow)
                {
                    throw new InvalidOperationException("the bench's payment was not allowed");
                }
            }
            return Succeeded(gateway.Payments.CreatePaymentAsync(CardRequest(n)).ResponseAsync);
        }

        var runs = new List<(bool Full, RunFigures Figures)>();
        foreach (var useFull in new[] { false, true, false, true })
        {
            await PutInForceAsync(useFull ? document : "{}", useFull ? full : RiskRuleSet.AllowAll);
            var figures = await ClosedLoop.RunAsync(useFull ? "CreatePayment card, full risk rules" : "CreatePayment card, allow-all rules", 64,
                settings.RunLength, settings.CallsPerRun, Call);
            output.WriteLine(figures);
            runs.Add((useFull, figures));
        }
        double P99(bool full) => runs.Where(r => r.Full == full).Average(r => r.Figures.P99Ms);
        double P50(bool full) => runs.Where(r => r.Full == full).Average(r => r.Figures.P50Ms);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"p99 at c=64: full rules {P99(true):F2} ms, allow-all {P99(false):F2} ms, difference {P99(true) - P99(false):+0.00;-0.00} ms (p50 difference {P50(true) - P50(false):+0.00;-0.00} ms); target < 1 ms"));
        return runs.Sum(r => r.Figures.Errors) == 0 ? 0 : 1;
    }

    /// <summary>
    /// Every rule on, and 100,000 list entries: 25,000 blocked customers, 25,000 card fingerprints, 25,000 IPs and ranges (IPv4
    /// and IPv6) and 25,000 sanctioned names, the lists in files as an operator would keep them.
    /// </summary>
    private static string FullRuleSet(string folder)
    {
        var random = new Random(2026);
        string Word() => new([.. Enumerable.Range(0, random.Next(4, 9)).Select(_ => (char)('a' + random.Next(26)))]);
        File.WriteAllLines(Path.Combine(folder, "customers.txt"), Enumerable.Range(0, ListEntriesEach).Select(i => $"cus_blocked_{i:D6}"));
        File.WriteAllLines(Path.Combine(folder, "cards.txt"), Enumerable.Range(0, ListEntriesEach).Select(i => Convert.ToHexStringLower(BitConverter.GetBytes(random.NextInt64()))));
        File.WriteAllLines(Path.Combine(folder, "ips.txt"), Enumerable.Range(0, ListEntriesEach).Select(i => (i % 4) switch
        {
            0 => $"{random.Next(11, 100)}.{random.Next(256)}.{random.Next(256)}.0/24",
            1 => $"{random.Next(11, 100)}.{random.Next(256)}.{random.Next(256)}.{random.Next(256)}",
            2 => $"2a0{random.Next(10)}:{random.Next(65536):x}:{random.Next(65536):x}::/48",
            _ => $"2a0{random.Next(10)}:{random.Next(65536):x}:{random.Next(65536):x}::{random.Next(65536):x}",
        }));
        File.WriteAllLines(Path.Combine(folder, "names.txt"), Enumerable.Range(0, ListEntriesEach).Select(_ => $"{Word()} {Word()} {Word()}"));
        var levels = string.Join(", ", Enumerable.Range(0, 100).Select(i => $"\"cus_level_{i}\": \"elevated\""));
        static string F(string name) => System.Text.Json.JsonSerializer.Serialize(name);
        return $$"""
            {
              "velocity": {
                "methods": { "distinct": 3, "window_seconds": 300, "action": "CHALLENGE" },
                "count_per_day": { "max": 1000, "action": "CHALLENGE" },
                "amount_per_day": { "max_minor": { "CNY": 500000000, "USD": 100000000 }, "action": "CHALLENGE" },
                "declines": { "challenge_after": 5, "block_after": 10 }
              },
              "geography": {
                "merchant_countries": { "default": "CN" },
                "ip_country": { "action": "CHALLENGE" },
                "distance": { "max_km": 500, "action": "CHALLENGE" },
                "cross_border": { "action": "CHALLENGE" }
              },
              "lists": {
                "customers": { "file": {{F("customers.txt")}}, "action": "BLOCK" },
                "cards": { "file": {{F("cards.txt")}}, "action": "BLOCK" },
                "ips": { "file": {{F("ips.txt")}}, "action": "BLOCK" },
                "countries": { "entries": ["KP", "IR"], "action": "BLOCK" }
              },
              "sanctions": { "names_file": {{F("names.txt")}}, "threshold": 0.92, "action": "BLOCK" },
              "customer_levels": { {{levels}} },
              "ip_countries": { "file": "risk-ip-countries.csv" }
            }
            """;
    }

    /// <summary>A card payment of one of <see cref="Customers"/> customers, from a Chinese address near home; every 20th a SWIFT payer name.</summary>
    private static RiskRequest Request(int n, bool swift) => new(
        "mch_bench",
        new Money(12_000, Currency.TryFind("USD", out var usd) ? usd : throw new InvalidOperationException()),
        new CustomerInfo("personal", "CN", "pc", $"cus_{n % Customers:D5}", new GeoPoint(39.90, 116.40)),
        new PayerContext($"192.0.2.{n % 250 + 1}", new GeoPoint(39.95, 116.30), $"dev_{n % Customers:D5}"),
        $"fp_{n % Customers:D5}",
        "card",
        swift ? new PayerAccount("Jonathan Edward Whitfield", "GB29NWBK60161331926819", "NWBKGB2L", []) : null,
        DateTimeOffset.UtcNow);

    private static Gateway.Payments.Payment SavedPayment(RiskRequest r) => new()
    {
        Id = PaymentIds.NewPaymentId(TimeProvider.System),
        MerchantId = r.MerchantId,
        State = Gateway.Payments.PaymentState.Processing,
        AmountMinor = r.Amount.AmountMinor,
        Currency = r.Amount.Currency.Code,
        Description = "bench",
        Customer = r.Customer,
        PayerContext = r.Payer,
        Card = new CardSummary("visa", "4242", 12, 2031, r.CardFingerprint),
        PreferredChannel = "card",
        Routing = new Gateway.Routing.RoutingDecision(["card"], "bench"),
        CreateTime = r.Now,
        UpdateTime = r.Now,
        ExpireTime = r.Now.AddDays(1),
    };

    private static CreatePaymentRequest CardRequest(int n) => new()
    {
        AmountMinor = 12_000,
        Currency = "USD",
        Description = "Cloud server, 1 year",
        Customer = new Customer { Type = Customer.Types.Type.Personal, Country = "CN", Device = "pc", Id = $"cus_{n % Customers:D5}" },
        PaymentMethod = new PaymentMethod { Card = new CardDetails { Number = "4242424242424242", ExpMonth = 12, ExpYear = 2031, Cvc = "123" } },
        Payer = new V1.PayerContext { Ip = $"192.0.2.{n % 250 + 1}", DeviceId = $"dev_{n % Customers:D5}" },
    };

    private static async Task Succeeded(Task<Payment> create)
    {
        var payment = await create;
        if (payment.State != Payment.Types.State.Succeeded)
        {
            throw new InvalidOperationException($"card payment {payment.Id} ended {payment.State} ({payment.Error?.Code})");
        }
    }
}
