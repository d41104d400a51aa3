using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Paygate.Adapters.Card;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Money;
using Paygate.Simulators.Card;
using Paygate.Simulators.Hosting;

namespace Paygate.Simulators.Tests.Card;

/// <summary>The simulated acquirer over real HTTP, driven by the real card adapter and by raw requests.</summary>
public sealed class CardAcquirerSimulatorTests : IAsyncLifetime
{
    private SimulatorHost _host = null!;
    private CardSandboxAccount _account = null!;
    private ServiceProvider _services = null!;

    private CardChannel Channel => _services.GetRequiredService<CardChannel>();

    public async Task InitializeAsync()
    {
        _host = await SimulatorHost.StartAsync();
        _account = _host.Card.IssueSandboxAccount();
        _services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Channels:Card:BaseUrl"] = _host.CardBaseUrl,
                ["Channels:Card:MerchantAccount"] = _account.MerchantAccount,
                ["Channels:Card:ApiKey"] = _account.ApiKey,
                ["Channels:Card:SigningSecret"] = _account.SigningSecret,
            }).Build())
            .AddSingleton(TimeProvider.System)
            .AddLogging()
            .AddCardChannel()
            .BuildServiceProvider();
    }

    private static ChannelPaymentRequest Charge(string reference, string number, long amount = 12000, int expYear = 2030) =>
        new(reference, new Adapters.Money.Money(amount, Currency.USD), "Cloud server", DateTimeOffset.UtcNow.AddHours(1), "http://127.0.0.1:9/notify",
            new PaymentCard(number, 12, expYear, "123", null));

    [Theory]
    [InlineData("4242424242424242", ChannelOutcome.Succeeded, "00")]
    [InlineData("4000000000000002", ChannelOutcome.Declined, "05")]
    [InlineData("4000000000009995", ChannelOutcome.Declined, "51")]
    [InlineData("4000000000000069", ChannelOutcome.Declined, "54")]
    [InlineData("4000000000000101", ChannelOutcome.Failed, "91")]
    [InlineData("4000000000000119", ChannelOutcome.Failed, "96")]
    [InlineData("4242424242424241", ChannelOutcome.Declined, "14")]
    public async Task Authorize_TestCards_AnswerPerTheTable(string number, ChannelOutcome outcome, string code)
    {
        var result = await Channel.CreateAsync(Charge("CARD" + code + "A01", number), CancellationToken.None);

        Assert.Equal((outcome, code), (result.Outcome, result.NativeCode));
        Assert.Equal(outcome == ChannelOutcome.Succeeded ? 1 : 0, _host.Card.Ledger.Count);
    }

    [Fact]
    public async Task Authorize_DuplicateTransmissionCard_ChargesOnceAnswers94AndTheQueryFindsItCaptured()
    {
        var answer = await Channel.CreateAsync(Charge("CARD94A01", "4000000000000945"), CancellationToken.None);
        var query = await Channel.QueryAsync(new ChannelOrder("CARD94A01"), CancellationToken.None);

        Assert.Equal((ChannelOutcome.Unknown, "94", "PM-2001"), (answer.Outcome, answer.NativeCode, answer.Error?.Code));
        Assert.Equal((ChannelOutcome.Succeeded, "00"), (query.Outcome, query.NativeCode));
        Assert.Single(_host.Card.Ledger, e => e.Reference == "CARD94A01" && e.Kind == "charge");
    }

    [Theory]
    [InlineData("4000000000003188", true, ChannelOutcome.Succeeded, 1)]
    [InlineData("4000000000003196", false, ChannelOutcome.Declined, 0)]
    public async Task Authorize_ChallengeCards_ChargeOnlyAfterAPassedChallenge_AndOnceHoweverOftenAuthorised(string number, bool passes, ChannelOutcome final, int charges)
    {
        var reference = "CARD3DS" + number[^4..];
        var first = await Channel.CreateAsync(Charge(reference, number), CancellationToken.None);
        Assert.Equal((ChannelOutcome.RequiresAction, "1A"), (first.Outcome, first.NativeCode));
        Assert.Empty(_host.Card.Ledger);

        var authenticationId = first.Action!.RedirectUrl![(first.Action.RedirectUrl!.LastIndexOf('/') + 1)..];
        Assert.True(_host.Card.CompleteChallenge(authenticationId, completed: true));
        var afterChallenge = await Channel.QueryAsync(new ChannelOrder(reference), CancellationToken.None);
        Assert.Equal(passes ? ChannelOutcome.Processing : ChannelOutcome.Declined, afterChallenge.Outcome);

        var authorised = await Channel.AuthorizeAuthenticatedAsync(new ChannelOrder(reference), authenticationId, CancellationToken.None);
        var again = await Channel.AuthorizeAuthenticatedAsync(new ChannelOrder(reference), authenticationId, CancellationToken.None);

        Assert.Equal((final, final), (authorised.Outcome, again.Outcome));
        Assert.Equal(charges, _host.Card.Ledger.Count(e => e.Reference == reference && e.Kind == "charge"));
    }

    [Fact]
    public async Task Authorize_PastExpiry_IsExpiredCard()
    {
        var result = await Channel.CreateAsync(Charge("CARDEXPA01", "4242424242424242", expYear: 2020), CancellationToken.None);
        Assert.Equal("54", result.NativeCode);
    }

    [Fact]
    public async Task Authorize_SameIdempotencyKeyTwice_ChargesOnceAndAnswersTheSame()
    {
        var first = await Channel.CreateAsync(Charge("CARDIDEMA01", "4242424242424242"), CancellationToken.None);
        var second = await Channel.CreateAsync(Charge("CARDIDEMA01", "4242424242424242"), CancellationToken.None);

        Assert.Equal(first.ChannelTransactionId, second.ChannelTransactionId);
        Assert.Single(_host.Card.Ledger);

        var conflict = await Channel.CreateAsync(Charge("CARDIDEMA01", "4242424242424242", amount: 13000), CancellationToken.None);
        Assert.Equal(("PM-2001", ChannelOutcome.Unknown), (conflict.Error?.Code, conflict.Outcome));
        Assert.Single(_host.Card.Ledger);
    }

    [Fact]
    public async Task Payments_NeverKeepTheCardNumber()
    {
        await Channel.CreateAsync(Charge("CARDPANA01", "4242424242424242"), CancellationToken.None);
        var payment = Assert.Single(_host.Card.Payments);
        Assert.Equal(("visa", "4242"), (payment.Brand, payment.Last4));
        Assert.DoesNotContain("4242424242424242", payment.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refund_Twice_MovesMoneyOnce()
    {
        await Channel.CreateAsync(Charge("CARDRFA01", "4242424242424242"), CancellationToken.None);
        var refund = new ChannelRefundRequest("CARDRFA01", "RF1", new Adapters.Money.Money(2000, Currency.USD), new Adapters.Money.Money(12000, Currency.USD), "r");

        Assert.Equal(ChannelOutcome.Succeeded, (await Channel.RefundAsync(refund, CancellationToken.None)).Outcome);
        Assert.Equal(ChannelOutcome.Succeeded, (await Channel.RefundAsync(refund, CancellationToken.None)).Outcome);
        Assert.Equal(ChannelOutcome.Succeeded, (await Channel.QueryRefundAsync(refund, CancellationToken.None)).Outcome);
        Assert.Single(_host.Card.Ledger, e => e.Kind == "refund");
    }

    [Fact]
    public async Task Authorize_SlowIssuerCard_TimesOutAsUnknownThenQueryFindsItCaptured()
    {
        var configuration = _services.GetRequiredService<IConfiguration>();
        await using var impatient = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddConfiguration(configuration)
                .AddInMemoryCollection(new Dictionary<string, string?> { ["Channels:Card:TimeoutSeconds"] = "1" }).Build())
            .AddSingleton(TimeProvider.System)
            .AddLogging()
            .AddCardChannel()
            .BuildServiceProvider();
        var channel = impatient.GetRequiredService<CardChannel>();

        var result = await channel.CreateAsync(Charge("CARDSLOWA01", "4000000000003063"), CancellationToken.None);
        Assert.Equal((ChannelOutcome.Unknown, "PM-2002"), (result.Outcome, result.Error?.Code));

        await Task.Delay(TimeSpan.FromSeconds(2.5)); // the issuer answers after 3 s
        Assert.Equal(ChannelOutcome.Succeeded, (await channel.QueryAsync(new("CARDSLOWA01"), CancellationToken.None)).Outcome);
        Assert.Single(_host.Card.Ledger);
    }

    [Fact]
    public async Task Api_WrongKey_Is401()
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, _host.CardBaseUrl + "/v1/payments") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer sk_test_wrong");
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task SandboxDispute_SendsSignedNotices_ThatTheAdapterReads_KeepingTheDisputeIdThroughItsStages()
    {
        Assert.Equal(ChannelOutcome.Succeeded, (await Channel.CreateAsync(Charge("CARDDSPA01", "4242424242424242"), CancellationToken.None)).Outcome);
        using var http = new HttpClient();

        using var chargeback = await http.PostAsync(_host.CardBaseUrl + "/sandbox/disputes",
            new StringContent("{\"reference\":\"CARDDSPA01\",\"stage\":\"chargeback\",\"reason_code\":\"13.1\",\"amount\":5000}", Encoding.UTF8, "application/json"));
        using var preArbitration = await http.PostAsync(_host.CardBaseUrl + "/sandbox/disputes",
            new StringContent("{\"reference\":\"CARDDSPA01\",\"stage\":\"pre_arbitration\"}", Encoding.UTF8, "application/json"));
        using var unknown = await http.PostAsync(_host.CardBaseUrl + "/sandbox/disputes",
            new StringContent("{\"reference\":\"NOSUCH\",\"stage\":\"chargeback\"}", Encoding.UTF8, "application/json"));

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.NotFound), (chargeback.StatusCode, preArbitration.StatusCode, unknown.StatusCode));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (_host.Card.Notifier.Deliveries.Count(d => d.OutTradeNo == "CARDDSPA01" && d.Request?.Body.Contains("\"dispute.", StringComparison.Ordinal) == true) < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "the dispute notices were not sent");
            await Task.Delay(20);
        }
        var notices = _host.Card.Notifier.Deliveries.Where(d => d.OutTradeNo == "CARDDSPA01" && d.Request!.Body.Contains("\"dispute.", StringComparison.Ordinal))
            .Select(d => Channel.ParseDisputeNotice(d.Request!.Headers, d.Request.Body)).ToList();
        Assert.Equal([ChannelDisputeStage.Chargeback, ChannelDisputeStage.PreArbitration], notices.Select(n => n.Stage));
        Assert.Equal(("CARDDSPA01", 5000L, "USD", "13.1"), (notices[0].PaymentReference, notices[0].AmountMinor, notices[0].Currency, notices[0].ReasonCode));
        Assert.Equal(12000, notices[1].AmountMinor);
        Assert.Equal(notices[0].DisputeId, notices[1].DisputeId);
        Assert.NotEqual(notices[0].NotificationId, notices[1].NotificationId);
        Assert.InRange(notices[0].RespondBy!.Value - DateTimeOffset.UtcNow, TimeSpan.FromDays(29), TimeSpan.FromDays(30));
    }
}
