using Paygate.Adapters.Alipay;
using Paygate.Adapters.Contract;

namespace Paygate.Adapters.Tests.Alipay;

public sealed class AlipayCodeMapTests
{
    /// <summary>The expected meaning of every native code in PROTOCOLS.md, written independently of the map.</summary>
    public static TheoryData<string, string, ChannelOutcome, string?> Expectations => new()
    {
        { "10000", "", ChannelOutcome.Succeeded, null },
        { "20000", "isp.unknow-error", ChannelOutcome.Unknown, "PM-2001" },
        { "20000", "aop.unknow-error", ChannelOutcome.Unknown, "PM-2001" },
        { "20000", "isp.other", ChannelOutcome.Unknown, "PM-2001" },
        { "20001", "aop.invalid-auth-token", ChannelOutcome.Failed, "PM-6005" },
        { "40001", "isv.missing-method", ChannelOutcome.Failed, "PM-5002" },
        { "40001", "other", ChannelOutcome.Failed, "PM-5002" },
        { "40002", "isv.invalid-signature", ChannelOutcome.Failed, "PM-6005" },
        { "40002", "isv.invalid-timestamp", ChannelOutcome.Failed, "PM-6010" },
        { "40002", "isv.invalid-app-id", ChannelOutcome.Failed, "PM-5002" },
        { "40004", "ACQ.SYSTEM_ERROR", ChannelOutcome.Unknown, "PM-2001" },
        { "40004", "ACQ.TRADE_HAS_SUCCESS", ChannelOutcome.Succeeded, null },
        { "40004", "ACQ.BUYER_BALANCE_NOT_ENOUGH", ChannelOutcome.Declined, "PM-1001" },
        { "40004", "ACQ.BUYER_BANKCARD_BALANCE_NOT_ENOUGH", ChannelOutcome.Declined, "PM-1001" },
        { "40004", "ACQ.PAYMENT_AUTH_CODE_INVALID", ChannelOutcome.Declined, "PM-1002" },
        { "40004", "ACQ.TRADE_HAS_CLOSE", ChannelOutcome.Declined, "PM-1003" },
        { "40004", "ACQ.CONTEXT_INCONSISTENT", ChannelOutcome.Declined, "PM-6007" },
        { "40004", "ACQ.TOTAL_FEE_EXCEED", ChannelOutcome.Declined, "PM-1004" },
        { "40004", "ACQ.INVALID_PARAMETER", ChannelOutcome.Declined, "PM-5002" },
        { "40004", "ACQ.TRADE_NOT_EXIST", ChannelOutcome.Failed, "PM-4005" },
        { "40004", "ACQ.SOMETHING_NEW", ChannelOutcome.Failed, "PM-4003" },
        { "40005", "isv.app-call-limited", ChannelOutcome.Failed, "PM-4001" },
        { "40005", "other", ChannelOutcome.Failed, "PM-4001" },
        { "40006", "isv.insufficient-isv-permissions", ChannelOutcome.Failed, "PM-6006" },
        { "99999", "never.documented", ChannelOutcome.Unknown, "PM-2001" },
    };

    [Theory]
    [MemberData(nameof(Expectations))]
    public void Find_NativeCode_MapsToItsOutcomeAndUnifiedCode(string code, string subCode, ChannelOutcome outcome, string? pmCode)
    {
        var row = AlipayCodeMap.Find(code, subCode);
        Assert.Equal(outcome, row.Outcome);
        Assert.Equal(pmCode, row.Error?.Code);
    }

    [Fact]
    public void Rows_EveryRowIsCoveredByAnExpectation()
    {
        var expected = Expectations.Select(e => ((string)e[0], (string)e[1])).ToList();
        foreach (var row in AlipayCodeMap.Rows)
        {
            var covered = expected.Any(e => e.Item1 == row.Code && (row.SubCode == "*"
                ? AlipayCodeMap.Find(e.Item1, e.Item2) == row
                : row.SubCode.EndsWith('*') ? e.Item2.StartsWith(row.SubCode[..^1], StringComparison.Ordinal) : e.Item2 == row.SubCode));
            Assert.True(covered, $"row {row.Code}/{row.SubCode} has no expectation in this test");
        }
    }
}
