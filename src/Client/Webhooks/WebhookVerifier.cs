using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Paygate.V1;

namespace Paygate.Client.Webhooks;

/// <summary>
/// Checks that a webhook POST comes from the gateway: the <c>Paygate-Signature</c> header's HMAC-SHA256 over
/// <c>"&lt;t&gt;.&lt;raw body&gt;"</c> with the endpoint's secret (compared in constant time), and a timestamp within the tolerance
/// of now (so that an old delivery cannot be replayed). Verify the raw body exactly as received, before any parsing.
/// </summary>
public sealed class WebhookVerifier
{
    /// <summary>The tolerance unless one is given: five minutes either way.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    private readonly byte[] _secret;
    private readonly TimeSpan _tolerance;
    private readonly TimeProvider _clock;

    /// <summary>A verifier for the endpoint whose signing secret (<c>whsec_...</c>) is <paramref name="secret"/>.</summary>
    public WebhookVerifier(string secret, TimeSpan? tolerance = null, TimeProvider? clock = null)
    {
        if (string.IsNullOrWhiteSpace(secret))
        {
            throw new ArgumentException("secret must be the endpoint's signing secret (whsec_...)", nameof(secret));
        }
        if (tolerance is { } t && t <= TimeSpan.Zero)
        {
            throw new ArgumentException("tolerance must be positive", nameof(tolerance));
        }
        _secret = Encoding.UTF8.GetBytes(secret);
        _tolerance = tolerance ?? DefaultTolerance;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>Throws a <see cref="WebhookSignatureException"/> unless <paramref name="signatureHeader"/> signs <paramref name="body"/>.</summary>
    public void Verify(string? signatureHeader, string body) => Verify(signatureHeader, Encoding.UTF8.GetBytes(body));

    /// <summary>Throws a <see cref="WebhookSignatureException"/> unless <paramref name="signatureHeader"/> signs the raw <paramref name="body"/>.</summary>
    public void Verify(string? signatureHeader, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrWhiteSpace(signatureHeader))
        {
            throw new WebhookSignatureException(WebhookSignatureFailure.MissingHeader, $"no {WebhookHeaders.Signature} header");
        }
        var (timestamp, signatures) = Parse(signatureHeader);
        var age = _clock.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(timestamp);
        if (age.Duration() > _tolerance)
        {
            throw new WebhookSignatureException(WebhookSignatureFailure.TimestampOutsideTolerance,
                $"the signature's timestamp is {(int)age.TotalSeconds} s from now, more than the {(int)_tolerance.TotalSeconds} s tolerance");
        }
        var expected = Expected(timestamp, body);
        if (!signatures.Any(s => CryptographicOperations.FixedTimeEquals(s, expected)))
        {
            throw new WebhookSignatureException(WebhookSignatureFailure.SignatureMismatch,
                "the signature does not match the body and this endpoint's secret");
        }
    }

    /// <summary>Verifies the delivery, then reads its body as the <see cref="Event"/> it carries.</summary>
    public Event ParseEvent(string? signatureHeader, string body)
    {
        Verify(signatureHeader, body);
        return Parser.Parse<Event>(body);
    }

    private byte[] Expected(long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.ASCII.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _secret);
        hmac.AppendData(prefix);
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }

    /// <summary>The header's timestamp and every <c>v1</c> signature in it (several while a secret is rotated).</summary>
    private static (long Timestamp, List<byte[]> Signatures) Parse(string header)
    {
        long? timestamp = null;
        var signatures = new List<byte[]>();
        foreach (var part in header.Split(','))
        {
            var pair = part.Split('=', 2);
            if (pair.Length != 2)
            {
                continue;
            }
            var (key, value) = (pair[0].Trim(), pair[1].Trim());
            if (key == "t" && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds < 100_000_000_000)
            {
                timestamp = seconds;
            }
            else if (key == "v1" && value.Length == 64 && value.All(char.IsAsciiHexDigit))
            {
                signatures.Add(Convert.FromHexString(value));
            }
        }
        if (timestamp is not { } t || signatures.Count == 0)
        {
            throw new WebhookSignatureException(WebhookSignatureFailure.MalformedHeader,
                $"the {WebhookHeaders.Signature} header must be t=<unix seconds>,v1=<64 hex digits>");
        }
        return (t, signatures);
    }
}
