using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Paygate.Gateway.Checkout;

namespace Paygate.Gateway.Tests.Checkout;

public sealed class CheckoutTokensTests
{
    private const string PaymentId = "pay_01KA0000000000000000000000";
    private const string MerchantId = "mch_01KA0000000000000000000000";
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_795_000_000);
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly FakeTimeProvider _clock = new(Start);

    private CheckoutTokens Tokens(byte[]? key = null) => new(key ?? _key, _clock, "https://pay.example.com/", TimeSpan.FromHours(1));

    [Fact]
    public void Url_OpensItsPayment_UntilAnHourAfterTheExpiry()
    {
        var url = Tokens().Url(PaymentId, MerchantId, Start.AddMinutes(30));
        Assert.StartsWith("https://pay.example.com/checkout/", url, StringComparison.Ordinal);
        var token = url["https://pay.example.com/checkout/".Length..];

        Assert.True(Tokens().TryRead(token, out var link, out _));
        Assert.Equal(PaymentId, link.PaymentId);
        Assert.Equal(MerchantId, link.MerchantId);
        Assert.Equal(Start.AddMinutes(90), link.ExpireTime);
    }

    [Fact]
    public void TryRead_ExpiredToken_IsRefusedAsExpired()
    {
        var token = Tokens().Mint(PaymentId, MerchantId, Start.AddMinutes(10));
        _clock.Advance(TimeSpan.FromMinutes(10));

        Assert.False(Tokens().TryRead(token, out _, out var refusal));
        Assert.Equal(CheckoutTokenRefusal.Expired, refusal);
    }

    [Fact]
    public void TryRead_AnyAlteredCharacter_IsRefusedAsInvalid()
    {
        var token = Tokens().Mint(PaymentId, MerchantId, Start.AddHours(1));
        for (var i = 0; i < token.Length; i++)
        {
            if (token[i] == '.')
            {
                continue;
            }
            var altered = token[..i] + (token[i] == 'A' ? 'B' : 'A') + token[(i + 1)..];
            Assert.False(Tokens().TryRead(altered, out _, out var refusal), $"altered at {i}");
            Assert.Equal(CheckoutTokenRefusal.Invalid, refusal);
        }
    }

    [Fact]
    public void TryRead_PayloadNamingAnotherPaymentOrLaterExpiry_IsRefusedAsInvalid()
    {
        var token = Tokens().Mint(PaymentId, MerchantId, Start.AddHours(1));
        var signature = token[(token.IndexOf('.', StringComparison.Ordinal) + 1)..];
        foreach (var payload in new[]
        {
            $"pay_01KA0000000000000000000001.{MerchantId}.{Start.AddHours(1).ToUnixTimeSeconds()}",
            $"{PaymentId}.mch_01KA0000000000000000000001.{Start.AddHours(1).ToUnixTimeSeconds()}",
            $"{PaymentId}.{MerchantId}.{Start.AddYears(1).ToUnixTimeSeconds()}",
        })
        {
            var forged = Base64Url.EncodeToString(Encoding.ASCII.GetBytes(payload)) + "." + signature;
            Assert.False(Tokens().TryRead(forged, out _, out var refusal), payload);
            Assert.Equal(CheckoutTokenRefusal.Invalid, refusal);
        }
    }

    [Fact]
    public void TryRead_TokenSignedWithAnotherKey_IsRefusedAsInvalid()
    {
        var token = Tokens(RandomNumberGenerator.GetBytes(32)).Mint(PaymentId, MerchantId, Start.AddHours(1));

        Assert.False(Tokens().TryRead(token, out _, out var refusal));
        Assert.Equal(CheckoutTokenRefusal.Invalid, refusal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("pay_01KA0000000000000000000000")]
    [InlineData("not.a.token")]
    [InlineData("....")]
    [InlineData("%%%.%%%")]
    public void TryRead_GuessedOrMalformed_IsRefusedAsInvalid(string guess)
    {
        Assert.False(Tokens().TryRead(guess, out _, out var refusal));
        Assert.Equal(CheckoutTokenRefusal.Invalid, refusal);
    }

    [Fact]
    public void TryRead_AnExpiredTokenThatWasAltered_IsInvalidNotExpired()
    {
        // The expiry in a token is believed only once its signature holds: a forgery learns nothing from the answer.
        var token = Tokens().Mint(PaymentId, MerchantId, Start.AddMinutes(1));
        _clock.Advance(TimeSpan.FromHours(2));
        var altered = token[..^1] + (token[^1] == 'A' ? 'B' : 'A');

        Assert.False(Tokens().TryRead(altered, out _, out var refusal));
        Assert.Equal(CheckoutTokenRefusal.Invalid, refusal);
    }
}
