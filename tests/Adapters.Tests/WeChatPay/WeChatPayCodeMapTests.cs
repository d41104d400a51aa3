using Paygate.Adapters.Contract;
using Paygate.Adapters.WeChatPay;

namespace Paygate.Adapters.Tests.WeChatPay;

public sealed class WeChatPayCodeMapTests
{
    /// <summary>Every WeChat Pay error code of PROTOCOLS.md, in both spellings where older documents differ.</summary>
    public static TheoryData<string, ChannelOutcome, string> Expectations => new()
    {
        { "PARAM_ERROR", ChannelOutcome.Failed, "PM-5002" },
        { "INVALID_REQUEST", ChannelOutcome.Failed, "PM-5002" },
        { "APPID_MCHID_NOT_MATCH", ChannelOutcome.Failed, "PM-6006" },
        { "MCH_NOT_EXISTS", ChannelOutcome.Failed, "PM-6006" },
        { "ORDER_CLOSED", ChannelOutcome.Declined, "PM-1003" },
        { "ORDERCLOSED", ChannelOutcome.Declined, "PM-1003" },
        { "SIGN_ERROR", ChannelOutcome.Failed, "PM-6005" },
        { "NO_AUTH", ChannelOutcome.Failed, "PM-6006" },
        { "OUT_TRADE_NO_USED", ChannelOutcome.Failed, "PM-6007" },
        { "RULE_LIMIT", ChannelOutcome.Declined, "PM-3005" },
        { "TRADE_ERROR", ChannelOutcome.Unknown, "PM-2001" },
        { "NOT_ENOUGH", ChannelOutcome.Declined, "PM-1001" },
        { "NOTENOUGH", ChannelOutcome.Declined, "PM-1001" },
        { "ACCOUNT_ERROR", ChannelOutcome.Declined, "PM-1005" },
        { "ORDER_NOT_EXIST", ChannelOutcome.Failed, "PM-4005" },
        { "ORDERNOTEXIST", ChannelOutcome.Failed, "PM-4005" },
        { "RESOURCE_NOT_EXISTS", ChannelOutcome.Failed, "PM-4005" },
        { "FREQUENCY_LIMITED", ChannelOutcome.Failed, "PM-4001" },
        { "SYSTEM_ERROR", ChannelOutcome.Unknown, "PM-2001" },
        { "SYSTEMERROR", ChannelOutcome.Unknown, "PM-2001" },
        { "BANK_ERROR", ChannelOutcome.Unknown, "PM-2001" },
        { "BANKERROR", ChannelOutcome.Unknown, "PM-2001" },
        { "ORDERPAID", ChannelOutcome.Unknown, "PM-2001" }, // undocumented here: ask, never give up
    };

    [Theory]
    [MemberData(nameof(Expectations))]
    public void Find_Code_MapsToItsOutcomeAndUnifiedCode(string code, ChannelOutcome outcome, string pmCode)
    {
        var row = WeChatPayCodeMap.Find(code);
        Assert.Equal((outcome, pmCode), (row.Outcome, row.Error.Code));
    }

    [Fact]
    public void Rows_EveryRowIsCoveredByAnExpectation()
    {
        var expected = Expectations.Select(e => (string)e[0]).ToHashSet();
        Assert.All(WeChatPayCodeMap.Rows, row => Assert.Contains(row.Code, expected));
    }
}
