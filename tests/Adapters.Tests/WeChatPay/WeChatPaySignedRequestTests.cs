using System.Security.Cryptography;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Http;
using Paygate.Adapters.Money;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Paygate.Adapters.Tests.WeChatPay;

/// <summary>
/// One signed WeChat Pay request pinned byte for byte: with the key, the clock and the nonce fixed, the body and the
/// Authorization header are exactly these. The expected signature was computed outside .NET (openssl dgst -sha256 -sign
/// over <c>POST\n/v3/pay/transactions/native\n1795672800\n&lt;nonce&gt;\n&lt;body&gt;\n</c>), so any change to the
/// message layout, the header's shape or the body's serialisation fails here (System.Text.Json writes '+' as <c>\u002B</c>:
/// valid JSON, and the signature covers the bytes as sent).
/// </summary>
public sealed class WeChatPaySignedRequestTests : IDisposable
{
    private const string Nonce = "593BEC0C930BF1AFEB40B4A08C8FB242";

    private const string ExpectedBody =
        "{\"appid\":\"wxd678efh567hg6787\",\"mchid\":\"1900000109\",\"description\":\"Cloud server, 1 month\",\"out_trade_no\":\"01JDZ6Q4W5T8M2N3P4R5S6T7V8A01\","
        + "\"time_expire\":\"2026-11-26T14:30:00\\u002B08:00\",\"notify_url\":\"https://merchant.example/notify/wechatpay\",\"amount\":{\"total\":8888,\"currency\":\"CNY\"}}";

    private const string ExpectedAuthorization =
        "WECHATPAY2-SHA256-RSA2048 mchid=\"1900000109\",nonce_str=\"593BEC0C930BF1AFEB40B4A08C8FB242\","
        + "signature=\"HBMnyJO1BxxvUzZC6Rs5PHDHXAOoO1br2KWl7/hUru1yYFxzwmkIhMYwiznow1IluoMFMiNu4mhvS+z16hdee8C8eOKPrHorrMSDslnCQnJRUnGvMONVHKFljEjSekagR6w4jf4d/uQ/BkmILG7UCn/6pMbeiA5TBBxFacIRt5wJdd55ZwHWYFg6K6Stq/a4lw+AgoKLrOob8ixEzAju9Bx2298ZWeqkmR7vON01i2zrpHJa6asmYOGi+8sq29Fy/f6YFkDNXLS4j5gDVLz9f6ZLIOF62CUJbsTYOTVmQNMricEJtr3b0ZtBhyA0wpvLs5FvZCLUDtH84A1+novVsg==\","
        + "timestamp=\"1795672800\",serial_no=\"5157F09EFDC096DE15EBE81A47057A7232F1B8E1\"";

    /// <summary>A throwaway RSA-2048 key made for this test alone: it signs nothing anywhere else.</summary>
    private const string PinnedTestKeyPem = """
        -----BEGIN PRIVATE KEY-----
        MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDCgKHnad3TuRsp
        V4B10GHhQ4Wm6bh6m2Kfiujtc3w4qsxT1jjmU3xrH5m6XFD64qB0MJ7M+QgrK66x
        9zLZ5yXiyXnOEueZKV//KWk46jPMtJayEpK52nuXsFvhe5WMPVB4ZHNenksFzEgd
        dJQ0ENOPT22TlPksR/imFU7lyAglTEhbMTUoc0XHSewNsVbjRJiqNoLm5aRIP4zI
        oR0JEt2LWFioHOl6FDH8QA5/xucZk4rRjk14DJFZn1uRhbWVus2aLQlxzYj0Xn+l
        QLj5LcLxW+GtH0BrJSFFr6NuMgiS48XIwQEp0yjVyZjmh9TrzUZgjjh57is9VHXI
        G0fuMVFRAgMBAAECggEAC4gP0UYEClDvrNBMw+9iVjYoHuC9eLtsqfPU4nsV0tBB
        g/jv76vkdP9vIE7n2DAGfk0BpTpggxq4ZUG4KJYdN2hlidOyGnELCXg9jkvIXWsZ
        gh46x70N1cz1bZVjpOhftHuUIXh2DzZw0ho+zSVwPY9iejz7VuY/di1OO65T2U4l
        h6ED0uWI6IQqeX6Zn8EBAImvYesJq7RCQKzFCVSLkx8BUVUVWFrtbRHQTpFSaDrH
        uyl4bScqL4aQTO5gJ/uwDHhsCzZKugcnIe6WXKpIKYYu19JLxSe2Xim5cC7cd62R
        BL82+m5JQY4JxoCs0w1gAujrjNdIXT0UuXYLoqeXYQKBgQDiqSxyQZ5zhbYBGhjX
        WNGZmPdnUZ0YaeTdUKp8KBVJ/8e67Cl8LgMxb2sefbkGcnSNDE9JU/PzpNAv4Att
        x5R5+29ShjrWV3IGe2Gr1+xfoiNT7x2Ozv1pQdXHCRzAwjak1rP8Gn8MLA+4a2E5
        MdA+HO6sD/G1xIN654n4TqF4CQKBgQDbrdT2018QHqdBg+GO1gMSd9GT2eitKHKa
        2cUJCbxSkhUVfh+XgEvJb8sQEcJwk83a9BxatQGh6RLH+aTnKOr+hJYVSwUL/8so
        SG2LFleBCWzG7lMn4OiIWtB/mb0/NuVqUmTMSh1IUqvatp291ymqdOkUc4z3XWDg
        nm7phQ+RCQKBgHh7/wFZOjYkTIQ3cB8AuqIQOurz6jLxD1RJreZDlFV6npwRL1gw
        SUg89s8Fe5Yevy++7GKJOvM3l+brDIg1gAp7ikhuy9XmM9mYOmoTZDXNxUO3ppmk
        E/agpVeg02TvmAZ1jsUi/Ifm4BBjHBJAFXb/ACv8abr6k/2AGMoiWhipAoGBALBy
        z7vxy0mHVZCp/WJdQ9pxo0S+osVy15rJkBnSWBF6hLTeuUFXK4iA4vnlSehiz9Yu
        fRfei5EhRJSbUHjbxOTqWiKAP22D6ApTIqm1KFPc3iJrCx/c5umfCBl1wywjS+I6
        i/wLC7orrR3f0JPLXwwrG4vxxChsOIQyvaOT3Q0BAoGBAI9x8sKWDCFLJ2sNrFii
        2MVuLlnukYwC+wC1hAfA4/Lim40raIoGYAJVm9I31ICSiHzlpXsjYOrYNGc55glC
        WXW54oqNphCBYLKGTRZoKwQ5Qw2rtMY0czB0XKMuHeRYOmOsVRs8y4lmgZWjQqas
        81Qzez1DBzbfjCX5e/8oGJNC
        -----END PRIVATE KEY-----
        """;

    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly RSA _key = RSA.Create();

    public WeChatPaySignedRequestTests() => _key.ImportFromPem(PinnedTestKeyPem);

    private sealed class FixedNonce(string value) : IRequestNonce
    {
        public string Next() => value;
    }

    [Fact]
    public async Task Create_WithFixedKeyTimeAndNonce_SendsExactlyThisSignedRequest()
    {
        _server.Given(Request.Create().WithPath("/v3/pay/transactions/native")).RespondWith(Response.Create().WithStatusCode(500));
        using var wechat = new WeChatPayTestChannel(_server.Url!, merchantKey: _key, nonce: new FixedNonce(Nonce));

        await wechat.Channel.CreateAsync(new ChannelPaymentRequest("01JDZ6Q4W5T8M2N3P4R5S6T7V8A01", new Adapters.Money.Money(8888, Currency.CNY), "Cloud server, 1 month",
            wechat.Clock.GetUtcNow().AddMinutes(30), "https://merchant.example/notify/wechatpay"), CancellationToken.None);

        var sent = _server.LogEntries.Single().RequestMessage!;
        Assert.Equal(ExpectedBody, sent.Body);
        Assert.Equal(ExpectedAuthorization, sent.Headers!["Authorization"].Single());
    }

    [Fact]
    public void RandomNonce_IsThirtyTwoHexDigits_AndFreshEachTime()
    {
        var nonce = new RandomRequestNonce();

        var first = nonce.Next();

        Assert.Matches("^[0-9A-F]{32}$", first);
        Assert.NotEqual(first, nonce.Next());
    }

    public void Dispose()
    {
        _server.Stop();
        _server.Dispose();
        _key.Dispose();
    }
}
