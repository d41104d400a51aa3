using Microsoft.Extensions.Time.Testing;
using Paygate.Adapters.Contract;
using Paygate.Gateway.Disputes;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Settlement;

namespace Paygate.Gateway.Tests.Settlement;

/// <summary>The matching rules, line by line, without a network or a store.</summary>
public sealed class SettlementMatcherTests
{
    private static readonly DateOnly Day = new(2026, 11, 29);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 29, 2, 0, 0, TimeSpan.Zero));
    private readonly SettlementMatcher _matcher = new("alipay", Day, "sr_1", "bill.zip");

    private static SettlementLine Line(SettlementLineKind kind, string reference, long amount, bool succeeded = true, string? refund = null, string currency = "CNY") =>
        new(7, kind, reference, refund, "2026112922001", amount, currency, 6, succeeded ? "TRADE_SUCCESS" : "TRADE_CLOSED", succeeded, DateTimeOffset.UnixEpoch);

    private Payment Paid(long amount = 1000)
    {
        var payment = TestPayments.New(_clock, PaymentState.Succeeded, AttemptState.Succeeded, amount);
        return payment;
    }

    private LineMatch Match(SettlementLine line, Payment? payment) => _matcher.Match(line, _matcher.View(line, payment));

    [Fact]
    public void PaidPayment_OfTheSameAmount_IsSettledWithTheFee()
    {
        var payment = Paid();
        var reference = payment.Attempts[0].Reference;

        var match = Match(Line(SettlementLineKind.Payment, reference, 1000), payment);

        Assert.Equal(new SettlementMark("alipay", SettlementLineKind.Payment, reference, payment.Id, payment.Attempts[0].Id, Day, 1000, "CNY", 6, "bill.zip", "sr_1"), match.Mark);
        Assert.Null(match.Mismatch);
    }

    [Theory]
    [InlineData(999, "CNY")]
    [InlineData(1000, "USD")]
    public void PaidPayment_OfAnotherAmountOrCurrency_DiffersInAmount(long amount, string currency)
    {
        var payment = Paid();

        var match = Match(Line(SettlementLineKind.Payment, payment.Attempts[0].Reference, amount, currency: currency), payment);

        Assert.Equal((SettlementMismatchKind.AmountDiffers, amount, 1000L, false), (match.Mismatch!.Kind, match.Mismatch.ChannelAmountMinor, match.Mismatch.GatewayAmountMinor, match.Resolvable));
        Assert.Null(match.Mark);
    }

    [Fact]
    public void UnknownOrder_IsMissingAtTheGateway()
    {
        var match = Match(Line(SettlementLineKind.Payment, "NOSUCHORDER", 1000), null);

        Assert.Equal((SettlementMismatchKind.MissingAtGateway, (string?)null, 7), (match.Mismatch!.Kind, match.Mismatch.PaymentId, match.Mismatch.Line));
    }

    [Theory]
    [InlineData(PaymentState.RequiresAction, AttemptState.RequiresAction, true)]
    [InlineData(PaymentState.Processing, AttemptState.Unknown, true)]
    [InlineData(PaymentState.Expired, AttemptState.Closed, false)]
    public void SettledAtTheChannel_ButNotPaidAtTheGateway_DiffersInState_ResolvableWhileUnfinished(PaymentState state, AttemptState attempt, bool resolvable)
    {
        var payment = TestPayments.New(_clock, state, attempt);

        var match = Match(Line(SettlementLineKind.Payment, payment.Attempts[0].Reference, 1000), payment);

        Assert.Equal((SettlementMismatchKind.StateDiffers, resolvable), (match.Mismatch!.Kind, match.Resolvable));
    }

    [Fact]
    public void NotSucceededAtTheChannel_ButPaidAtTheGateway_DiffersInState_AndUnpaidAtBoth_Agrees()
    {
        var paid = Paid();
        var unpaid = TestPayments.New(_clock, PaymentState.Failed, AttemptState.Failed);

        Assert.Equal(SettlementMismatchKind.StateDiffers, Match(Line(SettlementLineKind.Payment, paid.Attempts[0].Reference, 1000, succeeded: false), paid).Mismatch?.Kind);
        Assert.Equal(new LineMatch(null, null, false), Match(Line(SettlementLineKind.Payment, unpaid.Attempts[0].Reference, 1000, succeeded: false), unpaid));
    }

    [Fact]
    public void Refunds_AreMatchedByTheirOwnNumber_APendingOneIsResolvable_AnUnknownOneIsMissing()
    {
        var payment = Paid();
        var attempt = payment.Attempts[0];
        payment.Refunds.Add(NewRefund(attempt, 1, RefundState.Succeeded, 300));
        payment.Refunds.Add(NewRefund(attempt, 2, RefundState.Pending, 200));

        var settled = Match(Line(SettlementLineKind.Refund, attempt.Reference, 300, refund: payment.Refunds[0].Reference), payment);
        var pending = Match(Line(SettlementLineKind.Refund, attempt.Reference, 200, refund: payment.Refunds[1].Reference), payment);
        var unknown = Match(Line(SettlementLineKind.Refund, attempt.Reference, 100, refund: "NOSUCHREFUND"), payment);

        Assert.Equal((SettlementLineKind.Refund, payment.Refunds[0].Id), (settled.Mark!.Kind, settled.Mark.TargetId));
        Assert.Equal((SettlementMismatchKind.StateDiffers, true, payment.Refunds[1].Id), (pending.Mismatch!.Kind, pending.Resolvable, pending.Mismatch.RefundId));
        Assert.Equal(SettlementMismatchKind.MissingAtGateway, unknown.Mismatch!.Kind);
    }

    [Fact]
    public void TheAutomaticRefundOfADuplicateSuccess_IsSettledAgainstItsAttempt()
    {
        var payment = Paid();
        var duplicate = new Attempt
        {
            Id = PaymentIds.NewAttemptId(_clock),
            Number = 2,
            Channel = "alipay",
            Reference = PaymentIds.AttemptReference(payment.Id, 2),
            State = AttemptState.Succeeded,
            CreateTime = _clock.GetUtcNow(),
            UpdateTime = _clock.GetUtcNow(),
            DuplicateRefund = new DuplicateRefund("DUPF01", _clock.GetUtcNow(), Done: true),
        };
        payment.Attempts.Add(duplicate);

        var match = Match(Line(SettlementLineKind.Refund, duplicate.Reference, 1000, refund: "DUPF01"), payment);

        Assert.Equal((SettlementLineKind.Refund, "DUPF01", duplicate.Id), (match.Mark!.Kind, match.Mark.Reference, match.Mark.TargetId));
    }

    [Fact]
    public void AChargeback_WithoutACardDispute_IsMissingAtTheGateway()
    {
        var payment = Paid();

        var match = Match(Line(SettlementLineKind.Chargeback, payment.Attempts[0].Reference, 1000), payment);

        Assert.Equal((SettlementMismatchKind.MissingAtGateway, payment.Id), (match.Mismatch!.Kind, match.Mismatch.PaymentId));
        Assert.Contains("chargeback", match.Mismatch.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void AChargeback_OfAPaymentWithTheAcquirersDispute_Agrees()
    {
        var payment = Paid();
        var line = Line(SettlementLineKind.Chargeback, payment.Attempts[0].Reference, 1000);
        var dispute = new Dispute
        {
            Id = "dp_1",
            MerchantId = payment.MerchantId,
            PaymentId = payment.Id,
            State = DisputeState.Open,
            Level = DisputeLevel.Manual,
            Source = DisputeSource.CardChargeback,
            AmountMinor = 1000,
            Currency = "CNY",
            Reason = "fraud",
            AcquirerDisputeId = "cb_1",
            DueTime = _clock.GetUtcNow().AddHours(72),
            CreateTime = _clock.GetUtcNow(),
        };

        var match = _matcher.Match(line, _matcher.View(line, payment) with { Dispute = dispute });

        Assert.Equal(new LineMatch(null, null, false), match);
    }

    [Fact]
    public void TheSameOrderOrRefundListedTwice_IsADuplicateAtTheChannel()
    {
        var payment = Paid();
        var attempt = payment.Attempts[0];
        payment.Refunds.Add(NewRefund(attempt, 1, RefundState.Succeeded, 300));
        var order = Line(SettlementLineKind.Payment, attempt.Reference, 1000);
        var refund = Line(SettlementLineKind.Refund, attempt.Reference, 300, refund: payment.Refunds[0].Reference);

        var first = _matcher.MatchOnce(order, _matcher.View(order, payment), null);
        var firstRefund = _matcher.MatchOnce(refund, _matcher.View(refund, payment), null);
        var second = _matcher.MatchOnce(order, _matcher.View(order, payment), null);
        var secondRefund = _matcher.MatchOnce(refund, _matcher.View(refund, payment), null);

        Assert.NotNull(first.Mark);
        Assert.NotNull(firstRefund.Mark);
        Assert.Equal((SettlementMismatchKind.DuplicateAtChannel, (SettlementMark?)null), (second.Mismatch!.Kind, second.Mark));
        Assert.Equal((SettlementMismatchKind.DuplicateAtChannel, (SettlementMark?)null, SettlementLineKind.Refund), (secondRefund.Mismatch!.Kind, secondRefund.Mark, secondRefund.Mismatch.LineKind));
    }

    [Fact]
    public void AnOrderSettledOnAnotherDay_IsADuplicate_WhileTheSameDayAgainSettles()
    {
        var payment = Paid();
        var reference = payment.Attempts[0].Reference;
        var line = Line(SettlementLineKind.Payment, reference, 1000);
        SettlementMark Earlier(DateOnly day) => new("alipay", SettlementLineKind.Payment, reference, payment.Id, payment.Attempts[0].Id, day, 1000, "CNY", 6, "old.zip", "sr_0");

        var otherDay = new SettlementMatcher("alipay", Day, "sr_1", "bill.zip").MatchOnce(line, _matcher.View(line, payment), Earlier(Day.AddDays(-1)));
        var sameDay = new SettlementMatcher("alipay", Day, "sr_1", "bill.zip").MatchOnce(line, _matcher.View(line, payment), Earlier(Day));

        Assert.Null(otherDay.Mark);
        Assert.Equal(SettlementMismatchKind.DuplicateAtChannel, otherDay.Mismatch!.Kind);
        Assert.Contains("2026-11-28", otherDay.Mismatch.Note, StringComparison.Ordinal);
        Assert.NotNull(sameDay.Mark);
        Assert.Null(sameDay.Mismatch);
    }

    [Fact]
    public void MissingAtChannel_IsTheDaysSuccessesNoLineNamed()
    {
        var payment = Paid();
        var attempt = payment.Attempts[0];
        payment.Refunds.Add(NewRefund(attempt, 1, RefundState.Succeeded, 300));
        var from = new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.FromHours(8));

        var all = _matcher.MissingAtChannel(payment, from, from.AddDays(1), new HashSet<(SettlementLineKind, string)>()).ToList();
        var listed = _matcher.MissingAtChannel(payment, from, from.AddDays(1), new HashSet<(SettlementLineKind, string)> { (SettlementLineKind.Payment, attempt.Reference) }).ToList();
        var otherDay = _matcher.MissingAtChannel(payment, from.AddDays(1), from.AddDays(2), new HashSet<(SettlementLineKind, string)>()).ToList();

        Assert.Equal([(SettlementLineKind.Payment, (string?)null), (SettlementLineKind.Refund, payment.Refunds[0].Id)], all.Select(m => (m.LineKind, m.RefundId)));
        Assert.All(all, m => Assert.Equal((SettlementMismatchKind.MissingAtChannel, 0), (m.Kind, m.Line)));
        Assert.Equal([SettlementLineKind.Refund], listed.Select(m => m.LineKind));
        Assert.Empty(otherDay);
    }

    private Refund NewRefund(Attempt attempt, int number, RefundState state, long amount) => new()
    {
        Id = PaymentIds.NewRefundId(_clock),
        Number = number,
        Channel = "alipay",
        PaymentReference = attempt.Reference,
        Reference = PaymentIds.RefundReference(attempt.Reference, number),
        AmountMinor = amount,
        Reason = "test",
        State = state,
        CreateTime = _clock.GetUtcNow(),
        UpdateTime = _clock.GetUtcNow(),
    };
}
