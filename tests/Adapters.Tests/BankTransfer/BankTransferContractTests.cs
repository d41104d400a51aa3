using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Paygate.Adapters.BankTransfer;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Money;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Paygate.Adapters.Tests.BankTransfer;

/// <summary>The bank transfer adapter against recorded exchanges with a bank's corporate API, served by WireMock.</summary>
public sealed class BankTransferContractTests : IDisposable
{
    private const string Secret = "bank_secret_0123456789abcdef";
    private const string Reference = "01JDZ6Q4W5T8M2N3P4R5S6T7V8A01";
    private const string Account = "6222600100012345678";
    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 6, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _services;

    public BankTransferContractTests() => _services = Build(10);

    /// <summary>
    /// The adapter with its own HTTP timeout (short only where a test waits for it) and, where a test needs them, settings of its
    /// HTTP client's resilience (<c>ChannelHttp:...</c>).
    /// </summary>
    private ServiceProvider Build(int timeoutSeconds, IReadOnlyDictionary<string, string?>? http = null) => new ServiceCollection()
        .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(http ?? new Dictionary<string, string?>()).AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Channels:BankTransfer:BaseUrl"] = _server.Url,
            ["Channels:BankTransfer:ApiKey"] = "bk_test",
            ["Channels:BankTransfer:SigningSecret"] = Secret,
            ["Channels:BankTransfer:Account"] = Account,
            ["Channels:BankTransfer:AccountName"] = "Paygate Merchant Co., Ltd.",
            ["Channels:BankTransfer:BankName"] = "Sandbox Bank",
            ["Channels:BankTransfer:Bic"] = "SBCBCNSHXXX",
            ["Channels:BankTransfer:TimeoutSeconds"] = timeoutSeconds.ToString(CultureInfo.InvariantCulture),
        }).Build())
        .AddSingleton<TimeProvider>(_clock)
        .AddLogging()
        .AddBankTransferChannel()
        .BuildServiceProvider();

    private BankTransferChannel Channel => _services.GetRequiredService<BankTransferChannel>();

    private string Signature(string body)
    {
        var t = _clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={t},v1={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"{t}.{body}")))}";
    }

    private void Serve(string path, string method, int status, string body, int delayMs = 0)
    {
        var response = Response.Create().WithStatusCode(status).WithBody(body).WithHeader("Bank-Signature", Signature(body));
        if (delayMs > 0)
        {
            response = response.WithDelay(delayMs);
        }
        _server.Given(WireMock.RequestBuilders.Request.Create().WithPath(path).UsingMethod(method)).RespondWith(response);
    }

    private static ChannelPaymentRequest Collect() => new(Reference, new Paygate.Adapters.Money.Money(1_200_000, Currency.CNY), "Cluster",
        new DateTimeOffset(2026, 11, 29, 6, 0, 0, TimeSpan.Zero), "http://127.0.0.1/notify/banktransfer");

    [Fact]
    public async Task Create_OpensACollection_AndGivesTransferInstructions()
    {
        Serve("/v1/collections", "POST", 200, $"{{\"reference\":\"{Reference}\",\"virtual_account\":\"VA{Reference}\",\"status\":\"OPEN\"}}");

        var result = await Channel.CreateAsync(Collect(), CancellationToken.None);

        Assert.Equal(ChannelOutcome.RequiresAction, result.Outcome);
        var transfer = result.Action!.Transfer!;
        Assert.Equal(("VA" + Reference, Reference, 1_200_000L, "CNY", "SBCBCNSHXXX"), (transfer.Account, transfer.Reference, transfer.AmountMinor, transfer.Currency, transfer.Bic));
        var sent = Assert.Single(_server.LogEntries).RequestMessage!;
        Assert.Contains("\"amount\":\"12000.00\"", sent.Body);
        Assert.Equal("Bearer bk_test", sent.Headers!["Authorization"].Single());
    }

    [Fact]
    public async Task BankInterfaceTimeout_IsPm2003()
    {
        Serve("/v1/collections", "POST", 200, "{\"status\":\"OPEN\"}", delayMs: 3000);
        using var quick = Build(1);

        var result = await quick.GetRequiredService<BankTransferChannel>().CreateAsync(Collect(), CancellationToken.None);

        Assert.Equal((ChannelOutcome.Unknown, "PM-2003"), (result.Outcome, result.Error?.Code));
    }

    [Theory]
    [InlineData("OPEN", ChannelOutcome.RequiresAction, null)]
    [InlineData("CLOSED", ChannelOutcome.Failed, "PM-1003")]
    public async Task Query_ReadsTheCollectionsState(string status, ChannelOutcome outcome, string? code)
    {
        Serve($"/v1/collections/{Reference}", "GET", 200, $"{{\"status\":\"{status}\"}}");

        var result = await Channel.QueryAsync(new ChannelOrder(Reference), CancellationToken.None);

        Assert.Equal((outcome, code), (result.Outcome, result.Error?.Code));
    }

    [Theory]
    [InlineData("EXECUTED", ChannelOutcome.Succeeded, null)]
    [InlineData("ACCEPTED", ChannelOutcome.Unknown, "PM-2001")]
    [InlineData("REJECTED", ChannelOutcome.Failed, "PM-4003")]
    public async Task Refund_InstructionStatus(string status, ChannelOutcome outcome, string? code)
    {
        Serve("/v1/refunds", "POST", 200, $"{{\"status\":\"{status}\",\"reason\":\"AM02\",\"bank_reference\":\"R1\"}}");

        var result = await Channel.RefundAsync(new ChannelRefundRequest(Reference, Reference + "F01", new Paygate.Adapters.Money.Money(100, Currency.CNY),
            new Paygate.Adapters.Money.Money(1_200_000, Currency.CNY), "refund"), CancellationToken.None);

        Assert.Equal((outcome, code), (result.Outcome, result.Error?.Code));
    }

    private static string Camt(string account) => $"""
        <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"><BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>M1</MsgId></GrpHdr>
        <Ntfctn><Acct><Id><Othr><Id>{account}</Id></Othr></Id></Acct><Ntry><Amt Ccy="CNY">12000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-26</Dt></BookgDt><ValDt><Dt>2026-11-26</Dt></ValDt><AcctSvcrRef>E1</AcctSvcrRef>
        <NtryDtls><TxDtls><Refs><EndToEndId>{Reference}</EndToEndId></Refs></TxDtls></NtryDtls></Ntry></Ntfctn></BkToCstmrDbtCdtNtfctn></Document>
        """;

    [Fact]
    public void ParseStatement_VerifiesTheSignatureFirst_ThenTheAccount()
    {
        var body = Camt(Account);
        var signed = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Bank-Signature"] = Signature(body) };

        Assert.Equal(Reference, Channel.ParseStatement(signed, body).Credits.Single().Reference);
        Assert.Throws<NotificationRejectedException>(() => Channel.ParseStatement(signed, body.Replace("12000.00", "12.00", StringComparison.Ordinal)));
        Assert.Throws<NotificationRejectedException>(() => Channel.ParseStatement(new Dictionary<string, string>(), body));
        var other = Camt("6222600199999999999");
        var ex = Assert.Throws<NotificationRejectedException>(() => Channel.ParseStatement(new Dictionary<string, string> { ["Bank-Signature"] = Signature(other) }, other));
        Assert.Contains("not the merchant's", ex.Message);
    }

    [Fact]
    public void ParseStatement_StaleSignature_IsRefusedAsAReplay()
    {
        var body = Camt(Account);
        var headers = new Dictionary<string, string> { ["Bank-Signature"] = Signature(body) };
        _clock.Advance(TimeSpan.FromMinutes(6));

        Assert.Contains("replay", Assert.Throws<NotificationRejectedException>(() => Channel.ParseStatement(headers, body)).Message);
    }

    private static readonly Dictionary<string, string?> QuickHttp = new()
    {
        ["ChannelHttp:Defaults:AttemptTimeout"] = "00:00:00.500",
        ["ChannelHttp:Defaults:RetryDelay"] = "00:00:00",
    };

    /// <summary>Answers a first call of <paramref name="path"/> with <paramref name="firstStatus"/>, later ones with a signed 200 (a WireMock scenario).</summary>
    private void ServeFirstThen(string path, string method, int firstStatus, string body, int firstDelayMs = 0)
    {
        var first = Response.Create().WithStatusCode(firstStatus).WithBody(body).WithHeader("Bank-Signature", Signature(body));
        _server.Given(WireMock.RequestBuilders.Request.Create().WithPath(path).UsingMethod(method)).InScenario(path).WillSetStateTo("answered")
            .RespondWith(firstDelayMs > 0 ? first.WithDelay(firstDelayMs) : first);
        _server.Given(WireMock.RequestBuilders.Request.Create().WithPath(path).UsingMethod(method)).InScenario(path).WhenStateIs("answered")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(body).WithHeader("Bank-Signature", Signature(body)));
    }

    [Fact]
    public async Task Query_FirstAnswered503_IsRetriedByTheHttpLayer_AndReadsTheState()
    {
        await using var services = Build(10, QuickHttp);
        ServeFirstThen($"/v1/collections/{Reference}", "GET", 503, "{\"status\":\"OPEN\"}");

        var result = await services.GetRequiredService<BankTransferChannel>().QueryAsync(new ChannelOrder(Reference), CancellationToken.None);

        Assert.Equal((ChannelOutcome.RequiresAction, 2), (result.Outcome, _server.LogEntries.Count()));
    }

    [Fact]
    public async Task Query_AttemptTimeout_IsPm2003_AndNotRetried_TheBankAsksForAPause()
    {
        await using var services = Build(10, QuickHttp);
        ServeFirstThen($"/v1/collections/{Reference}", "GET", 200, "{\"status\":\"OPEN\"}", firstDelayMs: 2000);

        var result = await services.GetRequiredService<BankTransferChannel>().QueryAsync(new ChannelOrder(Reference), CancellationToken.None);

        // A second attempt would have read OPEN at once: a bank interface that timed out is left alone (PM-2003, retry no sooner than 60 s).
        Assert.Equal((ChannelOutcome.Unknown, "PM-2003"), (result.Outcome, result.Error?.Code));
    }

    [Fact]
    public async Task Create_Answered503_IsSentOnce_AndStaysFailedChannelDown()
    {
        await using var services = Build(10, QuickHttp);
        ServeFirstThen("/v1/collections", "POST", 503, $"{{\"reference\":\"{Reference}\",\"virtual_account\":\"VA{Reference}\",\"status\":\"OPEN\"}}");

        var result = await services.GetRequiredService<BankTransferChannel>().CreateAsync(Collect(), CancellationToken.None);

        Assert.Equal((ChannelOutcome.Failed, "PM-4002", 1), (result.Outcome, result.Error?.Code, _server.LogEntries.Count()));
    }

    public void Dispose()
    {
        _services.Dispose();
        _server.Stop();
    }
}
