using Paygate.Cli.Drills.Ledger;

namespace Paygate.Drills.Tests;

/// <summary>The money rules a drill (and the soak) is judged by, one case each.</summary>
public sealed class LedgerCheckTests
{
    private static readonly CheckedAttempt Alipay = new("alipay", "ref-1", Open: false);
    private static readonly CheckedAttempt WeChat = new("wechatpay", "ref-2", Open: false);

    private static LedgerVerdict Check(CheckedPayment? payment, params (CheckedAttempt Attempt, Money Money)[] moved) =>
        LedgerCheck.Check([("pay_1", payment)], a => moved.FirstOrDefault(m => m.Attempt == a).Money);

    [Fact]
    public void Check_APaymentTheGatewayNoLongerHas_IsLost()
    {
        var verdict = Check(null);

        Assert.Equal(["pay_1"], verdict.Lost);
        Assert.Single(verdict.Violations);
    }

    [Fact]
    public void Check_SucceededWithOneCharge_IsRight()
    {
        var verdict = Check(new("pay_1", CheckedState.Succeeded, [Alipay]), (Alipay, new Money(1, 0)));

        Assert.Empty(verdict.Violations);
        Assert.Empty(verdict.Unresolved);
    }

    [Fact]
    public void Check_TwoChargesOnTwoChannelsNotRefunded_IsChargedTwice()
    {
        var verdict = Check(new("pay_1", CheckedState.Succeeded, [Alipay, WeChat]), (Alipay, new Money(1, 0)), (WeChat, new Money(1, 0)));

        Assert.Equal(["pay_1 (charged 2 times, refunded 0)"], verdict.ChargedTwice);
    }

    [Fact]
    public void Check_ASecondChargeRefunded_IsRightAndCounted()
    {
        var verdict = Check(new("pay_1", CheckedState.Succeeded, [Alipay, WeChat]), (Alipay, new Money(1, 1)), (WeChat, new Money(1, 0)));

        Assert.Empty(verdict.Violations);
        Assert.Equal(1, verdict.SecondChargesRefunded);
    }

    [Fact]
    public void Check_FailedButCharged_DisagreesWithItsMoney()
    {
        var verdict = Check(new("pay_1", CheckedState.Failed, [Alipay]), (Alipay, new Money(1, 0)));

        Assert.Equal(["pay_1: FAILED but money kept (1 charges, 0 refunds)"], verdict.Wrong);
    }

    [Fact]
    public void Check_SucceededWithoutACharge_DisagreesWithItsMoney()
    {
        var verdict = Check(new("pay_1", CheckedState.Succeeded, [Alipay]));

        Assert.Equal(["pay_1: SUCCEEDED with 0 charges and 0 refunds"], verdict.Wrong);
    }

    [Fact]
    public void Check_ProcessingWithAnOpenAttempt_IsUnresolvedNotWrong()
    {
        var verdict = Check(new("pay_1", CheckedState.Processing, [Alipay with { Open = true }]));

        Assert.Empty(verdict.Violations);
        Assert.Equal(["pay_1"], verdict.Unresolved);
    }

    [Fact]
    public void Check_ProcessingWithNothingOpen_IsWrong()
    {
        var verdict = Check(new("pay_1", CheckedState.Processing, [Alipay]));

        Assert.Equal(["pay_1: PROCESSING without an unknown attempt"], verdict.Wrong);
    }
}
