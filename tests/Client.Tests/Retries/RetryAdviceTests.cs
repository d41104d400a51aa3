extern alias client;

using client::Paygate.Client;
using client::Paygate.Client.Retries;

namespace Paygate.Client.Tests.Retries;

/// <summary>When the client tries again: only on the gateway's RetryInfo, after its delay, within the attempts and the budget.</summary>
public sealed class RetryAdviceTests
{
    private static readonly PaygateClientOptions Options = new()
    {
        MaxAttempts = 3,
        MaxRetryDelay = TimeSpan.FromSeconds(10),
        RetryBudget = TimeSpan.FromSeconds(30),
    };

    [Fact]
    public void Delay_WithoutRetryInfo_IsNone() =>
        Assert.Null(RetryAdvice.Delay(1, TimeSpan.Zero, null, Options));

    [Fact]
    public void Delay_WithRetryInfo_IsTheGatewaysDelay() =>
        Assert.Equal(TimeSpan.FromSeconds(2), RetryAdvice.Delay(1, TimeSpan.Zero, TimeSpan.FromSeconds(2), Options));

    [Fact]
    public void Delay_WhenTheAttemptsAreSpent_IsNone()
    {
        Assert.NotNull(RetryAdvice.Delay(2, TimeSpan.Zero, TimeSpan.FromSeconds(1), Options));
        Assert.Null(RetryAdvice.Delay(3, TimeSpan.Zero, TimeSpan.FromSeconds(1), Options));
    }

    [Fact]
    public void Delay_LongerThanTheClientMayWait_IsNone_NotShortened() =>
        Assert.Null(RetryAdvice.Delay(1, TimeSpan.Zero, TimeSpan.FromSeconds(60), Options));

    [Fact]
    public void Delay_ThatWouldEndPastTheBudget_IsNone()
    {
        Assert.NotNull(RetryAdvice.Delay(1, TimeSpan.FromSeconds(24), TimeSpan.FromSeconds(5), Options));
        Assert.Null(RetryAdvice.Delay(1, TimeSpan.FromSeconds(26), TimeSpan.FromSeconds(5), Options));
    }
}
