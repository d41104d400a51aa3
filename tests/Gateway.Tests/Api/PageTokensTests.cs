using System.Text;
using Paygate.Gateway.Api;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Tests.Api;

public sealed class PageTokensTests
{
    private const string PaymentId = "pay_01JDZ0000000000000000000AB";

    private static string Token(string content) => Convert.ToBase64String(Encoding.UTF8.GetBytes(content)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [Fact]
    public void Decode_TokenItIssued_GivesTheCursor()
    {
        var cursor = new PageCursor(new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero), PaymentId);

        Assert.Equal(cursor, PageTokens.Decode(PageTokens.Encode(cursor, TestPayments.Merchant, null), TestPayments.Merchant, null));
    }

    [Theory]
    [InlineData("9223372036854775807")]
    [InlineData("253402300800000")]
    [InlineData("-62135596800001")]
    [InlineData("-9223372036854775808")]
    public void Decode_TimeOutOfRange_InvalidArgumentNamingPageToken(string milliseconds)
    {
        var error = Assert.Throws<PaymentException>(() => PageTokens.Decode(Token($"v2|{milliseconds}|{PaymentId}||{TestPayments.Merchant}"), TestPayments.Merchant, null));

        Assert.Equal("PM-6001", error.Code.Code);
        Assert.Equal("page_token", Assert.Single(error.Violations).Field);
    }
}
