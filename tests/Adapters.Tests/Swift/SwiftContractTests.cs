using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Money;
using Paygate.Adapters.Swift;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Paygate.Adapters.Tests.Swift;

/// <summary>The SWIFT adapter against recorded exchanges with a bank's SWIFT interface, served by WireMock.</summary>
public sealed class SwiftContractTests : IDisposable
{
    private const string Secret = "bank_secret_0123456789abcdef";
    private const string Reference = "01JDZ6Q4W5T8M2N3P4R5S6T7V8A01";
    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 6, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _services;

    public SwiftContractTests() => _services = Build(10);

    /// <summary>
    /// The adapter with its own HTTP timeout (short only where a test waits for it) and, where a test needs them, settings of its
    /// HTTP client's resilience (<c>ChannelHttp:...</c>).
    /// </summary>
    private ServiceProvider Build(int timeoutSeconds, IReadOnlyDictionary<string, string?>? http = null) => new ServiceCollection()
        .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(http ?? new Dictionary<string, string?>()).AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Channels:Swift:BaseUrl"] = _server.Url,
            ["Channels:Swift:ApiKey"] = "swk_test",
            ["Channels:Swift:SigningSecret"] = Secret,
            ["Channels:Swift:SenderLogicalTerminal"] = "PAYGCNSHAXXX",
            ["Channels:Swift:ReceiverAddress"] = "CLDSDEFFAXXX",
            ["Channels:Swift:BeneficiaryAccount"] = "DE89370400440532013000",
            ["Channels:Swift:BeneficiaryNameAndAddress:0"] = "CLOUD SERVICES GMBH",
            ["Channels:Swift:TimeoutSeconds"] = timeoutSeconds.ToString(CultureInfo.InvariantCulture),
        }).Build())
        .AddSingleton<TimeProvider>(_clock)
        .AddLogging()
        .AddSwiftChannel()
        .BuildServiceProvider();

    private SwiftChannel Channel => _services.GetRequiredService<SwiftChannel>();

    private static ChannelPaymentRequest Transfer(string name = "ACME TRADING LTD") => new(Reference, new Paygate.Adapters.Money.Money(123456, Currency.EUR), "Cloud servers",
        DateTimeOffset.UtcNow.AddDays(1), "http://127.0.0.1/notify/swift", CreateTime: new DateTimeOffset(2026, 11, 26, 6, 0, 0, TimeSpan.Zero),
        Payer: new PayerAccount(name, "GB82WEST12345698765432", null, ["LONDON"]));

    private string Signature(string body)
    {
        var t = _clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={t},v1={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"{t}.{body}")))}";
    }

    private void Serve(string path, string method, int status, string body, bool signed = true, int delayMs = 0)
    {
        var response = Response.Create().WithStatusCode(status).WithBody(body);
        if (signed)
        {
            response = response.WithHeader("Bank-Signature", Signature(body));
        }
        if (delayMs > 0)
        {
            response = response.WithDelay(delayMs);
        }
        _server.Given(WireMock.RequestBuilders.Request.Create().WithPath(path).UsingMethod(method)).RespondWith(response);
    }

    [Fact]
    public async Task Create_SendsAValidMt103_AndAnAckMeansInProcess()
    {
        Serve("/v1/messages", "POST", 200, "{1:F21PAYGCNSHAXXX0001000000}{4:{177:2611260600}{451:0}}");

        var result = await Channel.CreateAsync(Transfer(), CancellationToken.None);

        Assert.Equal((ChannelOutcome.Processing, "ACK"), (result.Outcome, result.NativeCode));
        var sent = Assert.Single(_server.LogEntries).RequestMessage;
        Assert.Equal("Bearer swk_test", sent!.Headers!["Authorization"].Single());
        var message = Mt103Format.Parse(sent.Body!);
        Assert.Equal((SwiftChannel.UetrFor(Reference), Reference[^16..]), (message.Uetr, message.SendersReference));
        Assert.Equal(("1234,56", "EUR", new DateOnly(2026, 11, 26)), (Mt103Format.Amount(message.Amount), message.Amount.Currency.Code, message.ValueDate));
        Assert.Equal(["ACME TRADING LTD", "LONDON"], message.OrderingCustomer.NameAndAddress);
    }

    [Fact]
    public async Task Create_InvalidPayerName_IsRefusedWithPm5001_WithoutCallingTheBank()
    {
        var result = await Channel.CreateAsync(Transfer("ZHANG SAN 张三"), CancellationToken.None);

        Assert.Equal((ChannelOutcome.Declined, "PM-5001", "M60"), (result.Outcome, result.Error?.Code, result.NativeCode));
        Assert.Contains("field 50K: character '张'", result.NativeMessage);
        Assert.Empty(_server.LogEntries);
    }

    [Fact]
    public async Task Create_Nak_IsPm5001WithTheNetworkCode()
    {
        Serve("/v1/messages", "POST", 200, "{1:F21PAYGCNSHAXXX0001000000}{4:{177:2611260600}{451:1}{405:T52}}");

        var result = await Channel.CreateAsync(Transfer(), CancellationToken.None);

        Assert.Equal((ChannelOutcome.Declined, "PM-5001", "NAK/T52"), (result.Outcome, result.Error?.Code, result.NativeCode));
    }

    [Fact]
    public async Task Create_BankInterfaceTimeout_IsPm2003AndUnknown()
    {
        Serve("/v1/messages", "POST", 200, "{4:{177:2611260600}{451:0}}", delayMs: 3000);
        using var quick = Build(1);

        var result = await quick.GetRequiredService<SwiftChannel>().CreateAsync(Transfer(), CancellationToken.None);

        Assert.Equal((ChannelOutcome.Unknown, "PM-2003"), (result.Outcome, result.Error?.Code));
    }

    [Fact]
    public async Task Create_TamperedAck_IsNotTrusted()
    {
        var body = "{1:F21PAYGCNSHAXXX0001000000}{4:{177:2611260600}{451:0}}";
        _server.Given(WireMock.RequestBuilders.Request.Create().WithPath("/v1/messages").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(body.Replace("451:0", "451:1")).WithHeader("Bank-Signature", Signature(body)));

        var result = await Channel.CreateAsync(Transfer(), CancellationToken.None);

        Assert.Equal((ChannelOutcome.Unknown, "PM-4004"), (result.Outcome, result.Error?.Code));
    }

    [Theory]
    [InlineData("ACCC", null, ChannelOutcome.Succeeded, null)]
    [InlineData("ACSP", null, ChannelOutcome.Processing, null)]
    [InlineData("RJCT", "AM04", ChannelOutcome.Declined, "PM-1001")]
    [InlineData("RJCT", "XX99", ChannelOutcome.Declined, "PM-1006")]
    public async Task Query_ByUetr_ReadsTheGpiStatus(string status, string? reason, ChannelOutcome outcome, string? code)
    {
        var uetr = SwiftChannel.UetrFor(Reference);
        Serve($"/v1/payments/{uetr:D}", "GET", 200, $"{{\"uetr\":\"{uetr:D}\",\"transaction_status\":\"{status}\",\"status_reason\":{(reason is null ? "null" : $"\"{reason}\"")},\"amount_minor\":123456}}");

        var result = await Channel.QueryAsync(new ChannelOrder(Reference), CancellationToken.None);

        Assert.Equal((outcome, code), (result.Outcome, result.Error?.Code));
    }

    [Fact]
    public async Task Query_UnknownUetr_IsNotFound()
    {
        Serve($"/v1/payments/{SwiftChannel.UetrFor(Reference):D}", "GET", 404, "{\"error\":\"no transfer\"}");

        var result = await Channel.QueryAsync(new ChannelOrder(Reference), CancellationToken.None);

        Assert.Equal((ChannelOutcome.Failed, "PM-4005"), (result.Outcome, result.Error?.Code));
    }

    [Fact]
    public void Uetr_IsAStableUuidV4PerOrder()
    {
        var uetr = SwiftChannel.UetrFor(Reference);
        Assert.Equal(uetr, SwiftChannel.UetrFor(Reference));
        Assert.NotEqual(uetr, SwiftChannel.UetrFor(Reference[..^1] + "2"));
        Assert.Equal(4, uetr.Version);
    }

    [Theory]
    [InlineData("AM04", "PM-1001")]
    [InlineData("AC01", "PM-1005")]
    [InlineData("AC04", "PM-1005")]
    [InlineData("AC06", "PM-1005")]
    [InlineData("AG01", "PM-1006")]
    [InlineData("RR04", "PM-3005")]
    [InlineData("FF01", "PM-5001")]
    public void RejectReasons_MapToOneCodeEach(string reason, string code)
    {
        Assert.Equal((ChannelOutcome.Declined, code), (SwiftCodeMap.ForReject(reason).Outcome, SwiftCodeMap.ForReject(reason).Error.Code));
        Assert.Contains(SwiftCodeMap.RejectReasons, r => r.Code == reason);
    }

    private static readonly Dictionary<string, string?> QuickHttp = new()
    {
        ["ChannelHttp:Defaults:AttemptTimeout"] = "00:00:00.500",
        ["ChannelHttp:Defaults:RetryDelay"] = "00:00:00",
    };

    /// <summary>Answers a first call of <paramref name="path"/> with <paramref name="firstStatus"/>, later ones with a signed 200 (a WireMock scenario).</summary>
    private void ServeFirstThen(string path, string method, int firstStatus, string body)
    {
        _server.Given(WireMock.RequestBuilders.Request.Create().WithPath(path).UsingMethod(method)).InScenario(path).WillSetStateTo("answered")
            .RespondWith(Response.Create().WithStatusCode(firstStatus).WithBody(body).WithHeader("Bank-Signature", Signature(body)));
        _server.Given(WireMock.RequestBuilders.Request.Create().WithPath(path).UsingMethod(method)).InScenario(path).WhenStateIs("answered")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(body).WithHeader("Bank-Signature", Signature(body)));
    }

    [Fact]
    public async Task Query_FirstAnswered503_IsRetriedByTheHttpLayer_AndReadsTheGpiStatus()
    {
        await using var services = Build(10, QuickHttp);
        var uetr = SwiftChannel.UetrFor(Reference);
        ServeFirstThen($"/v1/payments/{uetr:D}", "GET", 503, $"{{\"uetr\":\"{uetr:D}\",\"transaction_status\":\"ACCC\",\"status_reason\":null,\"amount_minor\":123456}}");

        var result = await services.GetRequiredService<SwiftChannel>().QueryAsync(new ChannelOrder(Reference), CancellationToken.None);

        Assert.Equal((ChannelOutcome.Succeeded, 2), (result.Outcome, _server.LogEntries.Count()));
    }

    [Fact]
    public async Task Create_Answered503_IsSentOnce_AndStaysFailedChannelDown()
    {
        await using var services = Build(10, QuickHttp);
        ServeFirstThen("/v1/messages", "POST", 503, "{1:F21PAYGCNSHAXXX0001000000}{4:{177:2611260600}{451:0}}");

        var result = await services.GetRequiredService<SwiftChannel>().CreateAsync(Transfer(), CancellationToken.None);

        // The MT103 waiting behind the 503 would have been acknowledged: it was not sent again.
        Assert.Equal((ChannelOutcome.Failed, "PM-4002", 1), (result.Outcome, result.Error?.Code, _server.LogEntries.Count()));
    }

    public void Dispose()
    {
        _services.Dispose();
        _server.Stop();
    }
}
