using Paygate.Adapters.Alipay;

namespace Paygate.Adapters.Tests.Alipay;

public sealed class AlipayResponseTests
{
    [Fact]
    public void Parse_CutsTheNodeExactlyAsSent_RespectingBracesAndEscapesInStrings()
    {
        const string node = "{\"code\":\"10000\",\"msg\":\"Success\",\"subject\":\"a } tricky \\\" {value\",\"qr_code\":\"https:\\/\\/qr.alipay.com\\/x\"}";
        var body = "{\"alipay_trade_precreate_response\":" + node + ",\"sign\":\"abc\"}";

        var response = AlipayResponse.Parse(body, "alipay.trade.precreate");

        Assert.NotNull(response);
        Assert.Equal(node, response.RawNode);
        Assert.Equal("abc", response.Sign);
        Assert.Equal("https://qr.alipay.com/x", response.Field("qr_code"));
    }

    [Fact]
    public void Parse_SignBeforeNode_StillFindsBoth()
    {
        var response = AlipayResponse.Parse("{\"sign\":\"s\",\"alipay_trade_query_response\":{\"code\":\"10000\"}}", "alipay.trade.query");
        Assert.Equal("{\"code\":\"10000\"}", response!.RawNode);
        Assert.Equal("s", response.Sign);
    }

    [Fact]
    public void Parse_ErrorResponse_IsUsedWhenTheMethodNodeIsAbsent()
    {
        var response = AlipayResponse.Parse("{\"error_response\":{\"code\":\"40002\",\"sub_code\":\"isv.invalid-app-id\"}}", "alipay.trade.query");
        Assert.Equal("40002", response!.Code);
        Assert.Null(response.Sign);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"other_response\":{}}")]
    [InlineData("[]")]
    public void Parse_BodyWithoutAResponseNode_GivesNull(string body) => Assert.Null(AlipayResponse.Parse(body, "alipay.trade.query"));
}
