using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Paygate.Adapters.Errors;
using Paygate.Adapters.Money;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Resilience;
using Paygate.Gateway.Risk;
using Paygate.Gateway.Risk.Verification;
using Paygate.Gateway.Routing;

namespace Paygate.Gateway.Tests.Payments;

/// <summary>
/// Risk control in the payment core, against a real SQLite store: a block fails the payment with PM-3005 before any channel
/// is called; a challenge waits for the payer's code, whose right entry routes the payment, whose wrong entries are counted
/// and whose lapse fails it. The engine's decision is scripted here (the engine's rules have tests of their own).
/// </summary>
public sealed class RiskChallengeLifecycleTests : LifecycleTestBase
{
    private readonly ScriptedRiskEngine _engine = new();
    private readonly RecordingSender _sender = new();
    private readonly VerificationCodes _codes = new(new byte[32]);

    private PaymentLifecycle RiskLifecycle()
    {
        var registry = new ChannelRegistry([_channel]);
        var health = new ChannelHealth(Options.Create(new ResilienceOptions()), _clock);
        var router = new PaymentRouter(registry, new StaticOptions<RoutingOptions>(new RoutingOptions()), health);
        var calls = new ChannelCalls(Options.Create(new ResilienceOptions()), health, _clock, NullLogger<ChannelCalls>.Instance);
        return new PaymentLifecycle(_store, registry, router, calls, new PaymentSignals(), new KeyedLock(), Options.Create(_options), _clock,
            NullLogger<PaymentLifecycle>.Instance, risk: _engine, verificationCodes: _codes, verificationSender: _sender,
            challengeOptions: Options.Create(new ChallengeOptions { Attempts = 3 }));
    }

    private static CreatePaymentCommand Command(string? requestId = null) =>
        new(requestId, new Money(1000, Currency.CNY), "Cloud server", new CustomerInfo("personal", "CN", "pc", "cus_1", null, "+86*******8000"), null, null,
            new Dictionary<string, string>(), PayerContext: new PayerContext("203.0.113.9", null, null), Contact: "+8613800138000");

    [Fact]
    public async Task Block_FailsWithPm3005_AndNoChannelIsCalled()
    {
        _engine.Next = RiskOutcome.Block;
        var lifecycle = RiskLifecycle();

        var payment = await lifecycle.CreateAsync(TestPayments.Merchant, Command(), CancellationToken.None);

        Assert.Equal(PaymentState.Failed, payment.State);
        Assert.Equal("PM-3005", payment.Error!.Code);
        Assert.Null(payment.Error.Channel);
        Assert.Empty(payment.Attempts);
        Assert.Empty(_channel.Calls);
        Assert.Equal(RiskOutcome.Block, payment.Risk!.Outcome);
        Assert.Equal("lists.ip", payment.Risk.Hits.Single().Rule);
        var events = await _store.EventsAsync(payment.Id, 0, CancellationToken.None);
        Assert.Equal([PaymentEventTypes.RiskBlocked], events.Select(e => e.Type));
        Assert.Equal("203.0.113.9", (await _store.GetAsync(payment.Id, CancellationToken.None))!.PayerContext!.Ip);
    }

    [Fact]
    public async Task Challenge_WaitsForTheCode_ThenTheRightCodeRoutesThePayment()
    {
        _engine.Next = RiskOutcome.Challenge;
        _channel.CreateAnswers.Enqueue(() => ScriptedChannel.Qr());
        var lifecycle = RiskLifecycle();

        var payment = await lifecycle.CreateAsync(TestPayments.Merchant, Command(), CancellationToken.None);

        Assert.Equal(PaymentState.RequiresAction, payment.State);
        Assert.Empty(_channel.Calls);
        Assert.Equal(ChallengeState.Pending, payment.Risk!.Challenge);
        var sent = Assert.Single(_sender.Sent);
        Assert.Equal("+8613800138000", sent.Contact);
        Assert.Equal(6, sent.Code.Length);
        Assert.Equal("+86*******8000", payment.Challenge!.SentTo);
        // Only the keyed hash is stored: the code is nowhere in the row or its event.
        var stored = await _store.EventsAsync(payment.Id, 0, CancellationToken.None);
        Assert.DoesNotContain(sent.Code, stored.Single().Snapshot, StringComparison.Ordinal);
        Assert.DoesNotContain("13800138000", stored.Single().Snapshot, StringComparison.Ordinal);

        var confirmed = await lifecycle.ConfirmAsync(TestPayments.Merchant, payment.Id, null, sent.Code, null, null, CancellationToken.None);

        Assert.Equal(PaymentState.RequiresAction, confirmed.State);
        Assert.Null(confirmed.Challenge);
        Assert.Equal(ChallengeState.Passed, confirmed.Risk!.Challenge);
        Assert.Equal("https://qr.example/1", confirmed.NextAction!.QrCode);
        Assert.Single(_channel.Calls);
        var types = (await _store.EventsAsync(payment.Id, 0, CancellationToken.None)).Select(e => e.Type).ToList();
        Assert.Equal([PaymentEventTypes.RiskChallenged, PaymentEventTypes.RiskChallengePassed, PaymentEventTypes.RequiresAction], types);
    }

    [Fact]
    public async Task WrongCodes_AreCounted_AndTheLastOneFailsThePaymentWithPm3005()
    {
        _engine.Next = RiskOutcome.Challenge;
        var lifecycle = RiskLifecycle();
        var payment = await lifecycle.CreateAsync(TestPayments.Merchant, Command(), CancellationToken.None);
        var wrong = _sender.Sent.Single().Code == "000000" ? "111111" : "000000";

        var first = await Assert.ThrowsAsync<PaymentException>(() => lifecycle.ConfirmAsync(TestPayments.Merchant, payment.Id, null, wrong, null, null, CancellationToken.None));
        Assert.Equal(ErrorCatalogue.VerificationCodeWrong, first.Code);
        Assert.Equal("2", first.Metadata["attempts_left"]);
        var second = await Assert.ThrowsAsync<PaymentException>(() => lifecycle.ConfirmAsync(TestPayments.Merchant, payment.Id, null, wrong, null, null, CancellationToken.None));
        Assert.Equal("1", second.Metadata["attempts_left"]);
        var failed = await lifecycle.ConfirmAsync(TestPayments.Merchant, payment.Id, null, wrong, null, null, CancellationToken.None);

        Assert.Equal(PaymentState.Failed, failed.State);
        Assert.Equal("PM-3005", failed.Error!.Code);
        Assert.Equal(ChallengeState.Failed, failed.Risk!.Challenge);
        Assert.Empty(_channel.Calls);
        // The right code after that opens nothing.
        var late = await Assert.ThrowsAsync<PaymentException>(() => lifecycle.ConfirmAsync(TestPayments.Merchant, payment.Id, null, _sender.Sent.Single().Code, null, null, CancellationToken.None));
        Assert.Equal(ErrorCatalogue.IllegalTransition, late.Code);
    }

    [Fact]
    public async Task WrongCodesSentTogether_CannotOutnumberTheTries()
    {
        _engine.Next = RiskOutcome.Challenge;
        var lifecycle = RiskLifecycle();
        var payment = await lifecycle.CreateAsync(TestPayments.Merchant, Command(), CancellationToken.None);
        var code = _sender.Sent.Single().Code;
        var wrong = code == "000000" ? "111111" : "000000";

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            try
            {
                return (await lifecycle.ConfirmAsync(TestPayments.Merchant, payment.Id, null, wrong, null, null, CancellationToken.None)).State.ToString();
            }
            catch (PaymentException e)
            {
                return e.Code.Code;
            }
        }));

        var saved = await _store.GetAsync(payment.Id, CancellationToken.None);
        Assert.Equal(PaymentState.Failed, saved!.State);
        Assert.Equal(2, outcomes.Count(o => o == "PM-3006")); // 3 tries: two wrong codes counted, the third failed the payment
        await Assert.ThrowsAsync<PaymentException>(() => lifecycle.ConfirmAsync(TestPayments.Merchant, payment.Id, null, code, null, null, CancellationToken.None));
        Assert.Empty(_channel.Calls);
    }

    [Fact]
    public async Task ACodeNeverOutlivesThePayment()
    {
        _engine.Next = RiskOutcome.Challenge;
        var lifecycle = RiskLifecycle();
        var command = Command() with { ExpireTime = _clock.GetUtcNow().AddMinutes(2) };

        var payment = await lifecycle.CreateAsync(TestPayments.Merchant, command, CancellationToken.None);

        Assert.Equal(payment.ExpireTime, payment.Challenge!.ExpireTime);
        _clock.Advance(TimeSpan.FromMinutes(2));
        var late = await lifecycle.ConfirmAsync(TestPayments.Merchant, payment.Id, null, _sender.Sent.Single().Code, null, null, CancellationToken.None);
        Assert.Equal(PaymentState.Failed, late.State);
        Assert.Empty(_channel.Calls);
    }

    [Fact]
    public async Task ALapsedCode_FailsThePayment_AtConfirmationAndByTheRecoveryWorker()
    {
        _engine.Next = RiskOutcome.Challenge;
        var lifecycle = RiskLifecycle();
        var atConfirm = await lifecycle.CreateAsync(TestPayments.Merchant, Command(), CancellationToken.None);
        var code = _sender.Sent.Single().Code;
        var byWorker = await lifecycle.CreateAsync(TestPayments.Merchant, Command(), CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));

        var failed = await lifecycle.ConfirmAsync(TestPayments.Merchant, atConfirm.Id, null, code, null, null, CancellationToken.None);
        Assert.Equal(PaymentState.Failed, failed.State);
        Assert.Equal("PM-3005", failed.Error!.Code);

        _lifecycle = lifecycle;
        await NewWorker().SweepAsync(CancellationToken.None);
        var swept = await _store.GetAsync(byWorker.Id, CancellationToken.None);
        Assert.Equal(PaymentState.Failed, swept!.State);
        Assert.Equal(ChallengeState.Failed, swept.Risk!.Challenge);
        Assert.Empty(_channel.Calls);
    }

    [Fact]
    public async Task PayAgain_IsAssessedAgain_AndMayBeChallenged()
    {
        _engine.Next = RiskOutcome.Allow;
        _channel.CreateAnswers.Enqueue(() => new Adapters.Contract.ChannelResult
        {
            Outcome = Adapters.Contract.ChannelOutcome.Declined,
            Error = ErrorCatalogue.InsufficientBalance,
            NativeCode = "40004/ACQ.BUYER_BALANCE_NOT_ENOUGH",
        });
        var lifecycle = RiskLifecycle();
        var declined = await lifecycle.CreateAsync(TestPayments.Merchant, Command(), CancellationToken.None);
        Assert.Equal(PaymentState.Failed, declined.State);
        Assert.Equal(RiskOutcome.Allow, declined.Risk!.Outcome);

        _engine.Next = RiskOutcome.Challenge;
        var challenged = await lifecycle.RetryAsync(TestPayments.Merchant, declined.Id, null, null, null, null, CancellationToken.None,
            new PayerContext("198.51.100.7", null, null));

        Assert.Equal(PaymentState.RequiresAction, challenged.State);
        Assert.Equal(declined.Id, _engine.Requests[^1].PaymentId);
        Assert.Equal("198.51.100.7", challenged.PayerContext!.Ip);
        Assert.Single(_channel.Calls);

        _engine.Next = RiskOutcome.Block;
        await lifecycle.CancelAsync(TestPayments.Merchant, challenged.Id, null, CancellationToken.None);
        var canceled = await _store.GetAsync(challenged.Id, CancellationToken.None);
        Assert.Equal(PaymentState.Canceled, canceled!.State);
        Assert.Null(canceled.Challenge);
    }

    [Fact]
    public async Task AChallengeWithNoSender_IsABlock()
    {
        _engine.Next = RiskOutcome.Challenge;
        var registry = new ChannelRegistry([_channel]);
        var health = new ChannelHealth(Options.Create(new ResilienceOptions()), _clock);
        var lifecycle = new PaymentLifecycle(_store, registry, new PaymentRouter(registry, new StaticOptions<RoutingOptions>(new RoutingOptions()), health),
            new ChannelCalls(Options.Create(new ResilienceOptions()), health, _clock, NullLogger<ChannelCalls>.Instance), new PaymentSignals(), new KeyedLock(),
            Options.Create(_options), _clock, NullLogger<PaymentLifecycle>.Instance, risk: _engine, verificationCodes: _codes);

        var payment = await lifecycle.CreateAsync(TestPayments.Merchant, Command(), CancellationToken.None);

        Assert.Equal(PaymentState.Failed, payment.State);
        Assert.Equal("verification.unavailable", payment.Risk!.Hits[^1].Rule);
        Assert.Empty(_channel.Calls);
    }

    private sealed class ScriptedRiskEngine : IRiskEngine
    {
        public RiskOutcome Next { get; set; } = RiskOutcome.Allow;
        public List<RiskRequest> Requests { get; } = [];

        public RiskAssessment Assess(RiskRequest request)
        {
            Requests.Add(request);
            return new RiskAssessment
            {
                Outcome = Next,
                RuleSetVersion = 7,
                DecideTime = request.Now,
                Hits = Next == RiskOutcome.Allow ? [] : [new RiskRuleHit("lists.ip", Next, "scripted", new Dictionary<string, string> { ["ip"] = request.Payer?.Ip ?? "" })],
            };
        }
    }

    private sealed class RecordingSender : IVerificationSender
    {
        public List<VerificationMessage> Sent { get; } = [];

        public Task SendAsync(VerificationMessage message, CancellationToken cancellationToken)
        {
            Sent.Add(message);
            return Task.CompletedTask;
        }
    }
}
