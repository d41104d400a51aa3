using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Paygate.Adapters.Card;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Http;
using Paygate.Adapters.Money;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Paygate.Adapters.Tests.Card;

/// <summary>The card adapter against recorded acquirer exchanges served by WireMock.</summary>
public sealed class CardContractTests : IDisposable
{
    private const string Secret = "whsec_test_0123456789abcdef";
    private const string Reference = "01JDZ6Q4W5T8M2N3P4R5S6T7V8A01";
    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 6, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _services;

    public CardContractTests() => _services = Build(10);

    /// <summary>The adapter with its own HTTP timeout and, where a test needs them, settings of its HTTP client's resilience (<c>ChannelHttp:...</c>).</summary>
    private ServiceProvider Build(int timeoutSeconds, IReadOnlyDictionary<string, string?>? http = null) => new ServiceCollection()
        .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(http ?? new Dictionary<string, string?>()).AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Channels:Card:BaseUrl"] = _server.Url,
            ["Channels:Card:MerchantAccount"] = "PaygateTest",
            ["Channels:Card:ApiKey"] = "sk_test_abc",
            ["Channels:Card:SigningSecret"] = Secret,
            ["Channels:Card:TimeoutSeconds"] = timeoutSeconds.ToString(CultureInfo.InvariantCulture),
        }).Build())
        .AddSingleton<TimeProvider>(_clock)
        .AddLogging()
        .AddCardChannel()
        .BuildServiceProvider();

    private CardChannel Channel => _services.GetRequiredService<CardChannel>();

    private static string Payment(string status, string code) =>
        $"{{\"id\":\"pay_000000000001\",\"merchant_account\":\"PaygateTest\",\"reference\":\"{Reference}\",\"status\":\"{status}\",\"response_code\":\"{code}\",\"amount\":{{\"value\":12000,\"currency\":\"USD\"}},\"card\":{{\"brand\":\"visa\",\"last4\":\"4242\"}}}}";

    private string Signature(string body, DateTimeOffset? at = null)
    {
        var t = (at ?? _clock.GetUtcNow()).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={t},v1={Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"{t}.{body}"))).ToLowerInvariant()}";
    }

    private void Serve(string path, int status, string body, string? signature, int delayMs = 0)
    {
        var response = Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body);
        if (signature is not null)
        {
            response = response.WithHeader("Acquirer-Signature", signature);
        }
        if (delayMs > 0)
        {
            response = response.WithDelay(delayMs);
        }
        _server.Given(Request.Create().WithPath(path)).RespondWith(response);
    }

    private static ChannelPaymentRequest Charge(TimeProvider clock) => new(Reference, new Adapters.Money.Money(12000, Currency.USD), "Cloud server",
        clock.GetUtcNow().AddHours(1), "https://merchant.example/notify/card", new PaymentCard("4242424242424242", 12, 2030, "123", null));

    [Fact]
    public async Task Create_Captured_SendsIdempotencyKeyAndCardOnlyInTheBody()
    {
        var body = Payment("captured", "00");
        Serve("/v1/payments", 201, body, Signature(body));

        var result = await Channel.CreateAsync(Charge(_clock), CancellationToken.None);

        Assert.Equal((ChannelOutcome.Succeeded, "pay_000000000001", 12000L), (result.Outcome, result.ChannelTransactionId, result.ReportedAmountMinor));
        var sent = _server.LogEntries.Single().RequestMessage!;
        Assert.Equal(Reference, sent.Headers!["Idempotency-Key"].Single());
        Assert.Equal("Bearer sk_test_abc", sent.Headers["Authorization"].Single());
        Assert.DoesNotContain("4242424242424242", sent.Url, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(sent.Body!);
        Assert.Equal(("4242424242424242", 12000L, "USD", true),
            (json.RootElement.GetProperty("card").GetProperty("number").GetString(), json.RootElement.GetProperty("amount").GetProperty("value").GetInt64(),
             json.RootElement.GetProperty("amount").GetProperty("currency").GetString(), json.RootElement.GetProperty("capture").GetBoolean()));
    }

    [Theory]
    [InlineData("05", ChannelOutcome.Declined, "PM-1007")]
    [InlineData("51", ChannelOutcome.Declined, "PM-1001")]
    [InlineData("54", ChannelOutcome.Declined, "PM-1009")]
    [InlineData("91", ChannelOutcome.Failed, "PM-4002")]
    [InlineData("96", ChannelOutcome.Failed, "PM-4002")]
    [InlineData("94", ChannelOutcome.Unknown, "PM-2001")]
    [InlineData("13", ChannelOutcome.Declined, "PM-5002")]
    public async Task Create_Declined_MapsTheResponseCode(string code, ChannelOutcome outcome, string pmCode)
    {
        var body = Payment("declined", code);
        Serve("/v1/payments", 201, body, Signature(body));
        var result = await Channel.CreateAsync(Charge(_clock), CancellationToken.None);
        Assert.Equal((outcome, pmCode, code), (result.Outcome, result.Error?.Code, result.NativeCode));
    }

    private static string Authenticating(string status, string code, string authentication) =>
        Payment(status, code)[..^1] + ",\"authentication\":" + authentication + "}";

    [Theory]
    [InlineData("1A")]
    [InlineData("65")]
    public async Task Create_SoftDeclineWithTheAcquirersChallenge_RequiresActionWithAGetRedirect(string code)
    {
        var body = Authenticating("requires_authentication", code, "{\"id\":\"auth_1\",\"trans_status\":\"C\",\"redirect_url\":\"https://acquirer.example/3ds/auth_1\"}");
        Serve("/v1/payments", 201, body, Signature(body));

        var result = await Channel.CreateAsync(Charge(_clock), CancellationToken.None);

        Assert.Equal((ChannelOutcome.RequiresAction, code, "https://acquirer.example/3ds/auth_1"), (result.Outcome, result.NativeCode, result.Action?.RedirectUrl));
        Assert.Null(result.Action!.RedirectForm);
    }

    [Theory]
    [InlineData("1A", "PM-1013")]
    [InlineData("65", "PM-1011")]
    public async Task Create_SoftDeclineWithoutAChallenge_IsDeclined(string code, string pmCode)
    {
        var body = Payment("declined", code);
        Serve("/v1/payments", 201, body, Signature(body));
        var result = await Channel.CreateAsync(Charge(_clock), CancellationToken.None);
        Assert.Equal((ChannelOutcome.Declined, pmCode), (result.Outcome, result.Error?.Code));
    }

    [Fact]
    public async Task Query_ChallengePassed_IsProcessingWithTheAuthentication_AndFailedIsPm1013()
    {
        var passed = Authenticating("authenticated", "1A", "{\"id\":\"auth_1\",\"trans_status\":\"Y\",\"cavv\":\"AAAB\",\"eci\":\"05\"}");
        Serve($"/v1/payments/by-reference/{Reference}", 200, passed, Signature(passed));
        var result = await Channel.QueryAsync(new(Reference), CancellationToken.None);
        Assert.Equal((ChannelOutcome.Processing, "auth_1"), (result.Outcome, result.AuthenticationId));

        _server.Reset();
        var failed = Authenticating("authentication_failed", "1A", "{\"id\":\"auth_1\",\"trans_status\":\"N\"}");
        Serve($"/v1/payments/by-reference/{Reference}", 200, failed, Signature(failed));
        result = await Channel.QueryAsync(new(Reference), CancellationToken.None);
        Assert.Equal((ChannelOutcome.Declined, "PM-1013", null), (result.Outcome, result.Error?.Code, result.AuthenticationId));
    }

    [Fact]
    public async Task AuthorizeAuthenticated_SendsTheAuthenticationUnderAKeyDerivedFromTheReference_NeverTheCard()
    {
        var body = Payment("captured", "00");
        Serve($"/v1/payments/by-reference/{Reference}/authorize", 201, body, Signature(body));

        var result = await Channel.AuthorizeAuthenticatedAsync(new(Reference), "auth_1", CancellationToken.None);

        Assert.Equal(ChannelOutcome.Succeeded, result.Outcome);
        var sent = _server.LogEntries.Single().RequestMessage!;
        Assert.Equal(Reference + "-3DS", sent.Headers!["Idempotency-Key"].Single());
        using var json = JsonDocument.Parse(sent.Body!);
        Assert.Equal("auth_1", json.RootElement.GetProperty("authentication_id").GetString());
        Assert.False(json.RootElement.TryGetProperty("card", out _));
    }

    [Fact]
    public async Task Close_OrderWaitingForTheChallenge_IsCanceledAtTheAcquirer()
    {
        var waiting = Authenticating("requires_authentication", "1A", "{\"id\":\"auth_1\",\"trans_status\":\"C\",\"redirect_url\":\"https://acquirer.example/3ds/auth_1\"}");
        var canceled = Authenticating("canceled", "1A", "{\"id\":\"auth_1\",\"trans_status\":\"C\"}");
        Serve($"/v1/payments/by-reference/{Reference}", 200, waiting, Signature(waiting));
        Serve($"/v1/payments/by-reference/{Reference}/cancel", 200, canceled, Signature(canceled));

        var result = await Channel.CloseAsync(new(Reference), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Succeeded, result.Outcome);
        Assert.Contains(_server.LogEntries, e => e.RequestMessage!.Path.EndsWith("/cancel", StringComparison.Ordinal) && e.RequestMessage.Method == "POST");
    }

    [Fact]
    public async Task Create_TamperedResponse_IsRejectedAsUnknown()
    {
        var body = Payment("declined", "05");
        Serve("/v1/payments", 201, body.Replace("declined", "captured", StringComparison.Ordinal).Replace("\"05\"", "\"00\"", StringComparison.Ordinal), Signature(body));
        var result = await Channel.CreateAsync(Charge(_clock), CancellationToken.None);
        Assert.Equal((ChannelOutcome.Unknown, "PM-4004"), (result.Outcome, result.Error?.Code));
    }

    [Fact]
    public async Task Create_StaleSignature_IsRejected()
    {
        var body = Payment("captured", "00");
        Serve("/v1/payments", 201, body, Signature(body, _clock.GetUtcNow().AddHours(-1)));
        Assert.Equal(ChannelOutcome.Unknown, (await Channel.CreateAsync(Charge(_clock), CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task Create_NoAnswerInTime_IsUnknown()
    {
        await using var impatient = Build(1);
        var body = Payment("captured", "00");
        Serve("/v1/payments", 201, body, Signature(body), delayMs: 4000);
        var result = await impatient.GetRequiredService<CardChannel>().CreateAsync(Charge(_clock), CancellationToken.None);
        Assert.Equal((ChannelOutcome.Unknown, "PM-2002"), (result.Outcome, result.Error?.Code));
    }

    [Theory]
    [InlineData(401, "unauthorized", ChannelOutcome.Failed, "PM-6005")]
    [InlineData(409, "idempotency_conflict", ChannelOutcome.Unknown, "PM-2001")]
    [InlineData(409, "duplicate_reference", ChannelOutcome.Unknown, "PM-2001")]
    [InlineData(400, "invalid_request", ChannelOutcome.Failed, "PM-5002")]
    [InlineData(502, "bad_gateway", ChannelOutcome.Unknown, "PM-2001")]
    [InlineData(503, "unavailable", ChannelOutcome.Failed, "PM-4002")]
    public async Task Create_HttpErrors_MapToOutcomes(int status, string code, ChannelOutcome outcome, string pmCode)
    {
        var body = $"{{\"error\":{{\"code\":\"{code}\",\"message\":\"m\"}}}}";
        Serve("/v1/payments", status, body, Signature(body));
        var result = await Channel.CreateAsync(Charge(_clock), CancellationToken.None);
        Assert.Equal((outcome, pmCode), (result.Outcome, result.Error?.Code));
    }

    [Fact]
    public async Task Query_NotFound_IsFailedOrderNotFound_AndCloseCallsThatClosed()
    {
        var body = "{\"error\":{\"code\":\"not_found\",\"message\":\"no payment\"}}";
        Serve($"/v1/payments/by-reference/{Reference}", 404, body, Signature(body));

        var query = await Channel.QueryAsync(new(Reference), CancellationToken.None);
        var close = await Channel.CloseAsync(new(Reference), CancellationToken.None);

        Assert.Equal((ChannelOutcome.Failed, "PM-4005"), (query.Outcome, query.Error?.Code));
        Assert.Equal(ChannelOutcome.Succeeded, close.Outcome);
    }

    [Fact]
    public async Task Refund_Succeeded_UsesTheRefundReferenceAsIdempotencyKey()
    {
        var body = "{\"id\":\"re_1\",\"reference\":\"RF01\",\"payment_reference\":\"" + Reference + "\",\"status\":\"succeeded\",\"response_code\":\"00\",\"amount\":{\"value\":500,\"currency\":\"USD\"}}";
        Serve("/v1/refunds", 201, body, Signature(body));
        var result = await Channel.RefundAsync(new ChannelRefundRequest(Reference, "RF01", new Adapters.Money.Money(500, Currency.USD), new Adapters.Money.Money(12000, Currency.USD), "r"), CancellationToken.None);
        Assert.Equal(ChannelOutcome.Succeeded, result.Outcome);
        Assert.Equal("RF01", _server.LogEntries.Single().RequestMessage!.Headers!["Idempotency-Key"].Single());
    }

    [Fact]
    public void ParseNotification_SignedWebhook_IsAccepted_ForgedIsRejected()
    {
        var body = "{\"id\":\"evt_1\",\"type\":\"payment.captured\",\"data\":" + Payment("captured", "00") + "}";
        var notification = Channel.ParseNotification(new Dictionary<string, string> { ["Acquirer-Signature"] = Signature(body) }, body);
        Assert.Equal((Reference, "evt_1", ChannelOutcome.Succeeded), (notification.Reference, notification.NotificationId, notification.Result.Outcome));

        Assert.Throws<NotificationRejectedException>(() => Channel.ParseNotification(new Dictionary<string, string> { ["Acquirer-Signature"] = Signature(body + " ") }, body));
        Assert.Throws<NotificationRejectedException>(() => Channel.ParseNotification(new Dictionary<string, string>(), body));
    }

    /// <summary>HTTP resilience made quick for a test: attempts cut at 0.5 s, retries at once, a host's circuit that opens after two failures.</summary>
    private static string DisputeNotice(string type, string account = "PaygateTest") =>
        "{\"id\":\"evt_d1\",\"type\":\"" + type + "\",\"data\":{\"id\":\"dsp_1\",\"merchant_account\":\"" + account + "\",\"payment_reference\":\"" + Reference
        + "\",\"stage\":\"chargeback\",\"reason_code\":\"10.4\",\"reason\":\"Other Fraud\",\"amount\":{\"value\":5000,\"currency\":\"USD\"},\"respond_by\":\"2026-12-26T06:00:00Z\"}}";

    [Fact]
    public void ParseDisputeNotice_SignedChargeback_IsRead_ForgedOrAnotherAccountsIsRejected()
    {
        var body = DisputeNotice("dispute.chargeback");
        Assert.True(Channel.IsDisputeNotice(body));
        Assert.False(Channel.IsDisputeNotice("{\"id\":\"evt_1\",\"type\":\"payment.captured\"}"));

        var notice = Channel.ParseDisputeNotice(new Dictionary<string, string> { ["Acquirer-Signature"] = Signature(body) }, body);

        Assert.Equal(new ChannelDisputeNotice("evt_d1", "dsp_1", ChannelDisputeStage.Chargeback, Reference, 5000, "USD", "10.4", "Other Fraud",
            new DateTimeOffset(2026, 12, 26, 6, 0, 0, TimeSpan.Zero)), notice);
        Assert.Throws<NotificationRejectedException>(() => Channel.ParseDisputeNotice(new Dictionary<string, string> { ["Acquirer-Signature"] = Signature(body + " ") }, body));
        Assert.Throws<NotificationRejectedException>(() => Channel.ParseDisputeNotice(new Dictionary<string, string>(), body));
        var other = DisputeNotice("dispute.chargeback", account: "SomeoneElse");
        Assert.Throws<NotificationRejectedException>(() => Channel.ParseDisputeNotice(new Dictionary<string, string> { ["Acquirer-Signature"] = Signature(other) }, other));
        var unknown = DisputeNotice("dispute.won");
        Assert.Throws<NotificationRejectedException>(() => Channel.ParseDisputeNotice(new Dictionary<string, string> { ["Acquirer-Signature"] = Signature(unknown) }, unknown));
    }

    private static readonly Dictionary<string, string?> QuickHttp = new()
    {
        ["ChannelHttp:Defaults:AttemptTimeout"] = "00:00:00.500",
        ["ChannelHttp:Defaults:RetryDelay"] = "00:00:00",
        ["ChannelHttp:Channels:card:MinimumThroughput"] = "2",
        ["ChannelHttp:Channels:card:FailureRatio"] = "0.5",
        ["ChannelHttp:Channels:card:BreakDuration"] = "00:01:00",
    };

    /// <summary>A first answer from <paramref name="path"/>, then <paramref name="then"/> for every later call (a WireMock scenario).</summary>
    private void ServeFirstThen(string path, IResponseBuilder first, IResponseBuilder then)
    {
        _server.Given(Request.Create().WithPath(path)).InScenario(path).WillSetStateTo("answered").RespondWith(first);
        _server.Given(Request.Create().WithPath(path)).InScenario(path).WhenStateIs("answered").RespondWith(then);
    }

    private IResponseBuilder Signed(int status, string body, int delayMs = 0)
    {
        var response = Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithHeader("Acquirer-Signature", Signature(body)).WithBody(body);
        return delayMs > 0 ? response.WithDelay(delayMs) : response;
    }

    [Fact]
    public async Task Query_FirstAnswered503_IsRetriedByTheHttpLayer_AndSucceeds()
    {
        await using var services = Build(10, QuickHttp);
        var path = $"/v1/payments/by-reference/{Reference}";
        var unavailable = "{\"error\":{\"code\":\"unavailable\",\"message\":\"m\"}}";
        ServeFirstThen(path, Signed(503, unavailable), Signed(200, Payment("captured", "00")));

        var result = await services.GetRequiredService<CardChannel>().QueryAsync(new(Reference), CancellationToken.None);

        Assert.Equal((ChannelOutcome.Succeeded, 2), (result.Outcome, _server.LogEntries.Count()));
    }

    [Fact]
    public async Task Query_FirstAttemptOutlivesItsTimeout_IsRetriedByTheHttpLayer_AndSucceeds()
    {
        await using var services = Build(10, QuickHttp);
        ServeFirstThen($"/v1/payments/by-reference/{Reference}", Signed(200, Payment("declined", "05"), delayMs: 2000), Signed(200, Payment("captured", "00")));

        var result = await services.GetRequiredService<CardChannel>().QueryAsync(new(Reference), CancellationToken.None);

        // The 0.5 s attempt timeout cut the first attempt before its (declined) answer, well within the 10 s call: the second one answered.
        Assert.Equal(ChannelOutcome.Succeeded, result.Outcome);
    }

    [Fact]
    public async Task Create_Answered503_IsSentOnce_AndStaysFailedChannelDown()
    {
        await using var services = Build(10, QuickHttp);
        var unavailable = "{\"error\":{\"code\":\"unavailable\",\"message\":\"m\"}}";
        ServeFirstThen("/v1/payments", Signed(503, unavailable), Signed(201, Payment("captured", "00")));

        var result = await services.GetRequiredService<CardChannel>().CreateAsync(Charge(_clock), CancellationToken.None);

        // Not retried at the HTTP layer: the 201 waiting behind the 503 was never asked for.
        Assert.Equal((ChannelOutcome.Failed, "PM-4002", "HTTP 503", 1), (result.Outcome, result.Error?.Code, result.NativeCode, _server.LogEntries.Count()));
    }

    [Fact]
    public async Task Create_AttemptTimeout_IsUnknownMaybeCharged_AndNotSentAgain()
    {
        await using var services = Build(10, QuickHttp);
        var body = Payment("captured", "00");
        ServeFirstThen("/v1/payments", Signed(201, body, delayMs: 2000), Signed(201, body));

        var result = await services.GetRequiredService<CardChannel>().CreateAsync(Charge(_clock), CancellationToken.None);

        // Cut by the 0.5 s attempt timeout before the 2 s answer (the call's own timeout is 10 s); a second attempt would have met the
        // immediate 201 and reported Succeeded.
        Assert.Equal((ChannelOutcome.Unknown, "PM-2002", "TIMEOUT"), (result.Outcome, result.Error?.Code, result.NativeCode));
        Assert.True(_server.LogEntries.Count() <= 1, "the create was sent once");
    }

    [Fact]
    public async Task HostCircuit_OpensAfterFailures_RefusesWithoutSending_AsFailedChannelDown_OnlyForThatHost()
    {
        await using var services = Build(10, QuickHttp);
        var unavailable = "{\"error\":{\"code\":\"unavailable\",\"message\":\"m\"}}";
        Serve("/v1/payments", 503, unavailable, Signature(unavailable));
        var channel = services.GetRequiredService<CardChannel>();
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal("HTTP 503", (await channel.CreateAsync(Charge(_clock), CancellationToken.None)).NativeCode);
        }

        var refused = await channel.CreateAsync(Charge(_clock), CancellationToken.None);
        var query = await channel.QueryAsync(new(Reference), CancellationToken.None);

        // Nothing was sent: definitely not processed, safe to fail over (the gateway's rule for a refused call).
        Assert.Equal((ChannelOutcome.Failed, "PM-4002", "CIRCUIT_OPEN"), (refused.Outcome, refused.Error?.Code, refused.NativeCode));
        Assert.Equal((ChannelOutcome.Failed, "CIRCUIT_OPEN"), (query.Outcome, query.NativeCode));
        Assert.Equal(2, _server.LogEntries.Count());

        // The circuit is the host's: the same client still reaches another host.
        using var other = WireMockServer.Start();
        other.Given(Request.Create().WithPath("/ping")).RespondWith(Response.Create().WithStatusCode(200));
        using var client = services.GetRequiredService<IHttpClientFactory>().CreateClient(CardChannel.HttpClientName);
        using var answer = await client.GetAsync(new Uri(other.Url + "/ping"));
        Assert.Equal(System.Net.HttpStatusCode.OK, answer.StatusCode);
    }

    [Fact]
    public async Task HttpSettings_OutOfRange_AreRefusedNamingTheField()
    {
        await using var services = Build(10, new Dictionary<string, string?> { ["ChannelHttp:Channels:card:AttemptTimeout"] = "00:00:00" });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptionsMonitor<ChannelHttpOptions>>().Get(CardChannel.ChannelId));

        Assert.Contains(nameof(ChannelHttpOptions.AttemptTimeout), error.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _services.Dispose();
        _server.Stop();
        _server.Dispose();
    }
}
