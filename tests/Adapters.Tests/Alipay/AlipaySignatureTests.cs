using System.Security.Cryptography;
using System.Text;
using Paygate.Adapters.Alipay;

namespace Paygate.Adapters.Tests.Alipay;

public sealed class AlipaySignatureTests
{
    [Fact]
    public void SignContent_SortsByOrdinalKeepsSignTypeAndDropsEmptyValuesAndSign()
    {
        var parameters = new Dictionary<string, string>
        {
            ["method"] = "alipay.trade.query",
            ["app_id"] = "2021000000000001",
            ["sign_type"] = "RSA2",
            ["sign"] = "should-not-appear",
            ["notify_url"] = "",
            ["biz_content"] = "{\"out_trade_no\":\"A&B=C\"}",
            ["Z_upper"] = "upper sorts before lower in ordinal order",
        };

        var content = AlipaySignature.SignContent(parameters, "sign");

        Assert.Equal("Z_upper=upper sorts before lower in ordinal order&app_id=2021000000000001&biz_content={\"out_trade_no\":\"A&B=C\"}&method=alipay.trade.query&sign_type=RSA2", content);
    }

    [Fact]
    public void Sign_ProducesSha256WithRsaPkcs1OverUtf8Bytes()
    {
        using var key = RSA.Create(2048);
        const string content = "a=支付&b=2";

        var signature = AlipaySignature.Sign(content, key);

        Assert.True(key.VerifyData(Encoding.UTF8.GetBytes(content), Convert.FromBase64String(signature), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        Assert.True(AlipaySignature.Verify(content, signature, key));
        Assert.False(AlipaySignature.Verify(content + "x", signature, key));
        Assert.False(AlipaySignature.Verify(content, "not base64!", key));
        Assert.False(AlipaySignature.Verify(content, null, key));
    }
}
