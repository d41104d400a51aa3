using Paygate.Adapters.Contract;
using Paygate.Adapters.UnionPay;

namespace Paygate.Adapters.Tests.UnionPay;

public sealed class UnionPayCodeMapTests
{
    /// <summary>Every respCode of PROTOCOLS.md, and the documented ranges.</summary>
    public static TheoryData<string, ChannelOutcome, string?> Expectations => new()
    {
        { "00", ChannelOutcome.Succeeded, null },
        { "A6", ChannelOutcome.Succeeded, null },
        { "01", ChannelOutcome.Failed, "PM-4003" },
        { "02", ChannelOutcome.Failed, "PM-4002" },
        { "03", ChannelOutcome.Unknown, "PM-2002" },
        { "04", ChannelOutcome.Unknown, "PM-2001" },
        { "05", ChannelOutcome.Unknown, "PM-2001" },
        { "06", ChannelOutcome.Failed, "PM-4001" },
        { "10", ChannelOutcome.Failed, "PM-5002" },
        { "11", ChannelOutcome.Failed, "PM-6005" },
        { "12", ChannelOutcome.Failed, "PM-6007" },
        { "13", ChannelOutcome.Failed, "PM-5002" },
        { "30", ChannelOutcome.Declined, "PM-1007" },
        { "31", ChannelOutcome.Failed, "PM-6006" },
        { "32", ChannelOutcome.Failed, "PM-6006" },
        { "33", ChannelOutcome.Declined, "PM-1004" },
        { "34", ChannelOutcome.Failed, "PM-4005" },
        { "35", ChannelOutcome.Failed, "PM-4003" },
        { "36", ChannelOutcome.Failed, "PM-6007" },
        { "37", ChannelOutcome.Failed, "PM-4001" },
        { "38", ChannelOutcome.Declined, "PM-3005" },
        { "39", ChannelOutcome.Failed, "PM-4003" },
        { "61", ChannelOutcome.Declined, "PM-1008" },
        { "64", ChannelOutcome.Declined, "PM-1001" },
        { "65", ChannelOutcome.Declined, "PM-1008" },
        { "73", ChannelOutcome.Declined, "PM-1009" },
        { "77", ChannelOutcome.Declined, "PM-1007" }, // 60-80 range: card or issuer
        { "99", ChannelOutcome.Unknown, "PM-2001" },
        { "ZZ", ChannelOutcome.Unknown, "PM-2001" }, // undocumented: ask again
    };

    [Theory]
    [MemberData(nameof(Expectations))]
    public void Find_RespCode_MapsToOutcomeAndUnifiedCode(string code, ChannelOutcome outcome, string? pmCode)
    {
        var row = UnionPayCodeMap.Find(code);
        Assert.Equal((outcome, pmCode), (row.Outcome, row.Error?.Code));
    }

    [Fact]
    public void Rows_EveryRowIsCoveredByAnExpectation()
    {
        var expected = Expectations.Select(e => (string)e[0]).ToHashSet();
        Assert.All(UnionPayCodeMap.Rows, row => Assert.Contains(row.Code, expected));
    }
}
