using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Grpc.Core;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

/// <summary>
/// Risk control in the payment path of the real gateway, with a rule set set through RiskService: a blocked payment fails
/// with PM-3005 and reaches no channel; a challenged one waits for the code the sandbox's sender shows, confirmed by
/// ConfirmPayment or on the checkout page; wrong codes are counted; a challenged card payment is charged once confirmed.
/// </summary>
public sealed class RiskChallengeTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>, IAsyncLifetime, IDisposable
{
    private const string Rules = """
        {
          "lists": { "ips": { "entries": ["203.0.113.66"], "action": "BLOCK" } },
          "geography": { "ip_country": { "action": "CHALLENGE" } },
          "ip_countries": { "file": "risk-ip-countries.csv" },
          "customer_levels": { "cus_e2e_high": "high", "cus_e2e_elevated": "elevated" }
        }
        """;

    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(fixture.Gateway.HttpBaseUrl) };

    private GatewayUnderTest Gateway => fixture.Gateway;

    public async Task InitializeAsync() =>
        await new RiskService.RiskServiceClient(Gateway.Operator).UpdateRiskRulesAsync(new UpdateRiskRulesRequest { Document = Rules });

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _http.Dispose();

    private static CreatePaymentRequest Challenged(string customerId = "cus_e2e_high")
    {
        var request = GatewayUnderTest.NewRequest(8888);
        request.Customer.Id = customerId;
        request.Customer.Contact = "+8613800138000";
        request.Payer = new PayerContext { Ip = "192.0.2.10", DeviceId = "dev-e2e" };
        return request;
    }

    /// <summary>The code the sandbox's sender holds for the payment (what the payer's phone would show).</summary>
    private async Task<string> CodeAsync(string paymentId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/sandbox/verification-codes/{paymentId}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Gateway.Credentials.MerchantKey);
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("code").GetString()!;
    }

    [Fact]
    public async Task ABlockedPayment_FailsWithPm3005_AndNoChannelHearsOfIt()
    {
        var request = GatewayUnderTest.NewRequest(8888);
        request.Payer = new PayerContext { Ip = "203.0.113.66" };
        var alipayOrders = fixture.Simulators.Alipay.Orders.Count;

        var payment = await Gateway.Payments.CreatePaymentAsync(request);

        Assert.Equal(Payment.Types.State.Failed, payment.State);
        Assert.Equal("PM-3005", payment.Error.Code);
        Assert.Equal("", payment.Error.Channel);
        Assert.Empty(payment.Attempts);
        Assert.Equal(RiskAssessment.Types.Outcome.Block, payment.Risk.Outcome);
        var hit = Assert.Single(payment.Risk.Hits, h => h.Rule == "lists.ip");
        Assert.Equal("203.0.113.66", hit.Inputs["ip"]);
        Assert.Equal("203.0.113.66", payment.Payer.Ip);
        Assert.Equal(alipayOrders, fixture.Simulators.Alipay.Orders.Count);
        using var watch = Gateway.Payments.WatchPayment(new WatchPaymentRequest { Id = payment.Id });
        Assert.True(await watch.ResponseStream.MoveNext());
        Assert.Equal("PM-3005", watch.ResponseStream.Current.Payment.Error.Code);
    }

    [Fact]
    public async Task APayerIpThatIsNotAnIp_IsInvalidArgument()
    {
        var request = GatewayUnderTest.NewRequest(8888);
        request.Payer = new PayerContext { Ip = "300.1.2.3" };

        var (code, info, bad) = await RpcErrors.CatchAsync(() => Gateway.Payments.CreatePaymentAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.Equal("PM-6001", info.Reason);
        Assert.Equal("payer.ip", Assert.Single(bad!.FieldViolations).Field);
    }

    [Fact]
    public async Task AChallenge_WaitsForTheCode_WrongCodesAreCounted_TheRightOneRoutesThePayment()
    {
        var payment = await Gateway.Payments.CreatePaymentAsync(Challenged());

        Assert.Equal(Payment.Types.State.RequiresAction, payment.State);
        Assert.Equal(NextAction.Types.Type.VerificationCode, payment.NextAction.Type);
        Assert.Equal("+86*******8000", payment.NextAction.Verification.SentTo);
        Assert.Equal(8, payment.NextAction.Verification.CodeLength); // a high-risk customer's code is longer
        Assert.Equal(3, payment.NextAction.Verification.AttemptsLeft);
        Assert.Equal(RiskAssessment.Types.ChallengeState.Pending, payment.Risk.ChallengeState);
        Assert.Equal("high", payment.Risk.CustomerLevel);
        Assert.Contains(payment.Risk.Hits, h => h.Rule == "level.customer");
        Assert.Empty(payment.Attempts);
        var code = await CodeAsync(payment.Id);
        Assert.Equal(8, code.Length);
        var wrong = code == "00000000" ? "11111111" : "00000000";

        var (status, info, bad) = await RpcErrors.CatchAsync(() => Gateway.Payments.ConfirmPaymentAsync(new ConfirmPaymentRequest { Id = payment.Id, VerificationCode = wrong }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, status);
        Assert.Equal("PM-3006", info.Reason);
        Assert.Equal("2", info.Metadata["attempts_left"]);
        Assert.Equal("verification_code", Assert.Single(bad!.FieldViolations).Field);

        var confirmed = await Gateway.Payments.ConfirmPaymentAsync(new ConfirmPaymentRequest { Id = payment.Id, VerificationCode = code, RequestId = Guid.NewGuid().ToString() });

        Assert.Equal(Payment.Types.State.RequiresAction, confirmed.State);
        Assert.Equal(NextAction.Types.Type.DisplayQrCode, confirmed.NextAction.Type);
        Assert.Equal(RiskAssessment.Types.ChallengeState.Passed, confirmed.Risk.ChallengeState);
        Assert.Equal("alipay", confirmed.Attempts.Single().Channel);
        // Confirmed once: a second confirmation finds no challenge.
        var again = await RpcErrors.CatchAsync(() => Gateway.Payments.ConfirmPaymentAsync(new ConfirmPaymentRequest { Id = payment.Id, VerificationCode = code }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, again.Code);
        // Nothing stored holds the code in clear.
        var events = await Gateway.Store.EventsAsync(payment.Id, 0, CancellationToken.None);
        Assert.All(events, e => Assert.DoesNotContain(code, e.Snapshot, StringComparison.Ordinal));
        Assert.Equal(["risk.challenged", "risk.challenge_attempt_failed", "risk.challenge_passed"], events.Take(3).Select(e => e.Type));
    }

    [Fact]
    public async Task TheLastWrongCode_FailsThePaymentWithPm3005()
    {
        var payment = await Gateway.Payments.CreatePaymentAsync(Challenged());
        var code = await CodeAsync(payment.Id);
        var wrong = code == "00000000" ? "11111111" : "00000000";

        for (var i = 0; i < 2; i++)
        {
            await Assert.ThrowsAsync<RpcException>(() => Gateway.Payments.ConfirmPaymentAsync(new ConfirmPaymentRequest { Id = payment.Id, VerificationCode = wrong }).ResponseAsync);
        }
        var failed = await Gateway.Payments.ConfirmPaymentAsync(new ConfirmPaymentRequest { Id = payment.Id, VerificationCode = wrong });

        Assert.Equal(Payment.Types.State.Failed, failed.State);
        Assert.Equal("PM-3005", failed.Error.Code);
        Assert.Equal(RiskAssessment.Types.ChallengeState.Failed, failed.Risk.ChallengeState);
        Assert.Empty(failed.Attempts);
    }

    [Fact]
    public async Task AChallengedCardPayment_IsChargedOnceTheCodeIsConfirmed()
    {
        var request = GatewayUnderTest.CardRequest("4242424242424242", 12_000, "USD");
        request.Customer.Id = "cus_e2e_high";
        var payment = await Gateway.Payments.CreatePaymentAsync(request);
        Assert.Equal(Payment.Types.State.RequiresAction, payment.State);
        Assert.StartsWith("fp_", payment.Card.Fingerprint, StringComparison.Ordinal);
        Assert.Equal("", payment.NextAction.Verification.SentTo);

        var code = await CodeAsync(payment.Id);
        // Risk control judged this card: another one may not be charged under its challenge.
        var other = new ConfirmPaymentRequest
        {
            Id = payment.Id,
            VerificationCode = code,
            PaymentMethod = new PaymentMethod { Card = new CardDetails { Number = "5555555555554444", ExpMonth = 12, ExpYear = 2031 } },
        };
        var (status, _, bad) = await RpcErrors.CatchAsync(() => Gateway.Payments.ConfirmPaymentAsync(other).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, status);
        Assert.Equal("payment_method.card", Assert.Single(bad!.FieldViolations).Field);

        var paid = await Gateway.Payments.ConfirmPaymentAsync(new ConfirmPaymentRequest { Id = payment.Id, VerificationCode = code });

        Assert.Equal(Payment.Types.State.Succeeded, paid.State);
        Assert.Equal(1, fixture.Simulators.Card.Ledger.Count(e => e.Reference == paid.Attempts.Single().ChannelReference && e.Kind == "charge"));
    }

    [Fact]
    public async Task ADeclinedCardPayment_PaidAgainWithAlipayFromAbroad_IsChallenged_AndTheCodeRoutesItToAlipay()
    {
        var request = GatewayUnderTest.CardRequest("4000000000009995", 120_000, "CNY");
        request.Customer.Id = "cus_e2e_traveller";
        request.Customer.Country = "CN";
        var declined = await Gateway.Payments.CreatePaymentAsync(request);
        Assert.Equal(Payment.Types.State.Failed, declined.State);

        // The payer is now in the US (198.51.100.0/25) while the customer is in China: a challenge.
        var challenged = await Gateway.Payments.RetryPaymentAsync(new RetryPaymentRequest
        {
            Id = declined.Id,
            PaymentMethod = new PaymentMethod { Channel = "alipay" },
            Payer = new PayerContext { Ip = "198.51.100.7" },
        });
        Assert.Equal(Payment.Types.State.RequiresAction, challenged.State);
        Assert.Equal(NextAction.Types.Type.VerificationCode, challenged.NextAction.Type);
        Assert.Contains(challenged.Risk.Hits, h => h.Rule == "geo.ip_country" && h.Inputs["ip_country"] == "US");

        var confirmed = await Gateway.Payments.ConfirmPaymentAsync(new ConfirmPaymentRequest { Id = declined.Id, VerificationCode = await CodeAsync(declined.Id) });

        Assert.Equal(Payment.Types.State.RequiresAction, confirmed.State);
        Assert.Equal(NextAction.Types.Type.DisplayQrCode, confirmed.NextAction.Type);
        Assert.Equal(["card", "alipay"], confirmed.Attempts.Select(a => a.Channel));
    }

    [Fact]
    public async Task TheCheckoutPage_AsksForTheCode_ShowsAWrongOneBesideTheField_AndGoesOnWithTheRightOne()
    {
        var payment = await Gateway.Payments.CreatePaymentAsync(Challenged());
        var page = await _http.GetStringAsync(payment.CheckoutUrl + "?lang=zh");
        Assert.Contains("id=\"verify-form\"", page, StringComparison.Ordinal);
        Assert.Contains("autocomplete=\"one-time-code\"", page, StringComparison.Ordinal);
        Assert.Contains("+86*******8000", page, StringComparison.Ordinal);
        Assert.Contains("验证码", page, StringComparison.Ordinal);
        var code = await CodeAsync(payment.Id);
        var verify = payment.CheckoutUrl + "/verify?lang=en";

        using var wrong = await _http.PostAsync(verify, new FormUrlEncodedContent(new Dictionary<string, string> { ["code"] = code == "00000000" ? "11111111" : "00000000" }));
        var wrongPage = await wrong.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.StatusCode);
        Assert.Contains("id=\"code-error\"", wrongPage, StringComparison.Ordinal);
        Assert.Contains("That code is not right. Tries left: 2.", wrongPage, StringComparison.Ordinal);

        using var letters = await _http.PostAsync(verify, new FormUrlEncodedContent(new Dictionary<string, string> { ["code"] = "abc" }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, letters.StatusCode);
        Assert.Contains("Enter the code&#39;s digits only.", await letters.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var right = await _http.PostAsync(verify, new FormUrlEncodedContent(new Dictionary<string, string> { ["code"] = code, ["request_id"] = Guid.NewGuid().ToString() }));
        Assert.Equal(HttpStatusCode.SeeOther, right.StatusCode);
        var after = await _http.GetStringAsync(right.Headers.Location!.OriginalString.StartsWith('/') ? right.Headers.Location.OriginalString : payment.CheckoutUrl);
        Assert.Contains("<svg class=\"qr\"", after, StringComparison.Ordinal);
        Assert.DoesNotContain("verify-form", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSandboxCodePage_AnswersOnlyThePaymentsMerchant()
    {
        var payment = await Gateway.Payments.CreatePaymentAsync(Challenged());
        using var anonymous = await _http.GetAsync($"/sandbox/verification-codes/{payment.Id}");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/sandbox/verification-codes/{payment.Id}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Gateway.Credentials.OperatorKey);
        using var asOperator = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, asOperator.StatusCode);
    }
}
