using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Errors;
using Paygate.Adapters.Money;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Storage.Sqlite;

namespace Paygate.Gateway.Tests.Payments;

/// <summary>A call the gateway held back (its own limit, or the caller's deadline before the call) fails nothing.</summary>
public sealed class HeldBackTests : LifecycleTestBase
{
    private readonly ScriptedChannel _card = new(PaymentFlow.Card);

    [Fact]
    public async Task CardAttempt_HeldBackBeforeTheCall_IsSentByTheRecoveryWorkerWithTheCardKeptInMemory()
    {
        var lifecycle = NewLifecycle(_store, _card);
        var card = new PaymentCard("4242424242424242", 12, 2031, "123", null);
        var command = new CreatePaymentCommand(null, new Money(1000, Currency.CNY), "Cloud server", new CustomerInfo("personal", "", ""), null, null,
            new Dictionary<string, string>(), card);

        // The caller's deadline is already over when the channel would be called: nothing is sent, nothing fails.
        var held = await lifecycle.CreateAsync(TestPayments.Merchant, command, CancellationToken.None, deadline: _clock.GetUtcNow());
        Assert.Equal((PaymentState.Processing, AttemptState.Pending), (held.State, held.Attempts.Single().State));
        Assert.Empty(_card.Calls);

        PaymentCard? sent = null;
        _card.OnCreate = request => sent = request.Card;
        _card.QueryAnswers.Enqueue(() => new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.ChannelOrderNotFound, NativeCode = "404" });
        _card.CreateAnswers.Enqueue(() => ChannelResult.Success("00", "approved", "T-1", 1000));
        _clock.Advance(_options.PendingQueryAfter + TimeSpan.FromSeconds(1));
        await new RecoveryWorker(_store, lifecycle, Options.Create(_options), new SqliteWorkerLeases(Database, _clock), _clock, NullLogger<RecoveryWorker>.Instance).SweepAsync(CancellationToken.None);

        var paid = await lifecycle.GetAsync(TestPayments.Merchant, held.Id, CancellationToken.None);
        Assert.Equal(PaymentState.Succeeded, paid.State);
        Assert.Equal("4242424242424242", sent?.Number);
        Assert.Equal([$"query {held.Attempts[0].Reference}", $"create {held.Attempts[0].Reference}"], _card.Calls);
    }

    [Fact]
    public async Task Refund_HeldBackBeforeTheCall_IsSentByTheRecoveryWorker_NotFailed()
    {
        _channel.CreateAnswers.Enqueue(() => ChannelResult.Success("10000", "Success", "2026112600001", 1000));
        var paid = await _lifecycle.CreateAsync(TestPayments.Merchant, new CreatePaymentCommand(null, new Money(1000, Currency.CNY), "Cloud server", new CustomerInfo("personal", "", ""),
            null, null, new Dictionary<string, string>()), CancellationToken.None);
        Assert.Equal(PaymentState.Succeeded, paid.State);

        var (_, held) = await _lifecycle.RefundAsync(TestPayments.Merchant, paid.Id, 400, "changed mind", null, _clock.GetUtcNow(), CancellationToken.None);
        Assert.Equal(RefundState.Pending, held.State);
        Assert.DoesNotContain(_channel.Calls, c => c.StartsWith("refund", StringComparison.Ordinal));

        _channel.RefundAnswers.Enqueue(() => ChannelResult.Success("10000", "Success", "R-1"));
        _clock.Advance(_options.PendingQueryAfter + TimeSpan.FromSeconds(1));
        await NewWorker().SweepAsync(CancellationToken.None);

        var (_, refund) = await _lifecycle.GetRefundAsync(TestPayments.Merchant, held.Id, CancellationToken.None);
        Assert.Equal(RefundState.Succeeded, refund.State);
        Assert.Equal([$"refund {held.Reference}"], _channel.Calls.Where(c => c.StartsWith("refund", StringComparison.Ordinal)));
    }
}
