using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Webhooks;

namespace Paygate.Gateway.Checkout;

/// <summary>What a valid checkout token names.</summary>
/// <param name="PaymentId">The payment, <c>pay_...</c>.</param>
/// <param name="MerchantId">The merchant it belongs to: the page reads the payment as that merchant.</param>
/// <param name="ExpireTime">When the link lapses.</param>
public sealed record CheckoutLink(string PaymentId, string MerchantId, DateTimeOffset ExpireTime);

/// <summary>Why a token opens nothing.</summary>
public enum CheckoutTokenRefusal
{
    /// <summary>Not a token the gateway made: malformed, altered, or signed under another key.</summary>
    Invalid = 1,
    /// <summary>A genuine token whose time is over.</summary>
    Expired = 2,
}

/// <summary>
/// The signed tokens of checkout links: <c>base64url(payment id "." merchant id "." expiry in Unix seconds) "."
/// base64url(HMAC-SHA256)</c>. Only the gateway can make one, so a guessed payment id opens no page; the key is derived
/// from the gateway's secret (<see cref="WebhookSecretBox.DeriveKey"/>), so every instance sharing that secret accepts
/// every instance's links.
/// </summary>
public sealed class CheckoutTokens
{
    private const string KeyPurpose = "paygate checkout link v1";
    private const int MaxTokenLength = 256;
    private readonly byte[] _key;
    private readonly TimeProvider _clock;
    private readonly string _baseUrl;
    private readonly TimeSpan _grace;

    public CheckoutTokens(WebhookSecretBox secrets, TimeProvider clock, IOptions<CheckoutOptions> options, IOptions<PaymentOptions> payments)
        : this(secrets.DeriveKey(KeyPurpose), clock,
            options.Value.BaseUrl is { Length: > 0 } own ? own : payments.Value.NotifyBaseUrl, options.Value.LinkGrace)
    {
    }

    internal CheckoutTokens(byte[] key, TimeProvider clock, string baseUrl, TimeSpan grace)
    {
        _key = key;
        _clock = clock;
        _baseUrl = baseUrl.TrimEnd('/');
        _grace = grace;
    }

    /// <summary>The page's address for a payment of <paramref name="merchantId"/>'s that expires at <paramref name="paymentExpireTime"/>.</summary>
    public string Url(string paymentId, string merchantId, DateTimeOffset paymentExpireTime) =>
        $"{_baseUrl}/checkout/{Mint(paymentId, merchantId, paymentExpireTime + _grace)}";

    /// <summary>A token for the payment that lapses at <paramref name="linkExpireTime"/>.</summary>
    public string Mint(string paymentId, string merchantId, DateTimeOffset linkExpireTime)
    {
        var payload = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{paymentId}.{merchantId}.{linkExpireTime.ToUnixTimeSeconds()}"));
        return $"{Base64Url.EncodeToString(payload)}.{Base64Url.EncodeToString(HMACSHA256.HashData(_key, payload))}";
    }

    /// <summary>What the token names, or why it names nothing. The signature is checked before anything it says is believed.</summary>
    public bool TryRead(string? token, out CheckoutLink link, out CheckoutTokenRefusal refusal)
    {
        link = new CheckoutLink("", "", default);
        refusal = CheckoutTokenRefusal.Invalid;
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            return false;
        }
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !TryDecode(token[..dot], out var payload) || !TryDecode(token[(dot + 1)..], out var signature)
            || !CryptographicOperations.FixedTimeEquals(signature, HMACSHA256.HashData(_key, payload)))
        {
            return false;
        }
        var parts = Encoding.ASCII.GetString(payload).Split('.');
        if (parts.Length != 3 || !PaymentIds.LooksLikePaymentId(parts[0]) || parts[1].Length == 0
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return false;
        }
        link = new CheckoutLink(parts[0], parts[1], DateTimeOffset.FromUnixTimeSeconds(seconds));
        if (_clock.GetUtcNow() >= link.ExpireTime)
        {
            refusal = CheckoutTokenRefusal.Expired;
            return false;
        }
        return true;
    }

    private static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = [];
        if (!Base64Url.IsValid(text))
        {
            return false;
        }
        bytes = Base64Url.DecodeFromChars(text);
        return true;
    }
}
