using System.Security.Cryptography;

namespace Paygate.Gateway.Payments;

/// <summary>
/// Resource ids: a type prefix and 26 Crockford base32 characters (48-bit millisecond time, 80 random bits),
/// so ids sort by creation time. Channel order numbers are derived from them deterministically.
/// </summary>
public static class PaymentIds
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string NewPaymentId(TimeProvider clock) => "pay_" + NewBody(clock);

    public static string NewAttemptId(TimeProvider clock) => "att_" + NewBody(clock);

    public static string NewRefundId(TimeProvider clock) => "re_" + NewBody(clock);

    public static string NewWebhookEndpointId(TimeProvider clock) => "we_" + NewBody(clock);

    public static string NewMerchantId(TimeProvider clock) => "mch_" + NewBody(clock);

    public static string NewApiKeyId(TimeProvider clock) => "key_" + NewBody(clock);

    public static string NewSettlementRunId(TimeProvider clock) => "sr_" + NewBody(clock);

    /// <summary>
    /// The channel order number of an attempt: letters and digits only, 29 characters, so it fits every
    /// network's rule (Alipay 64, WeChat Pay 6-32, UnionPay 8-40 without '-' or '_').
    /// </summary>
    public static string AttemptReference(string paymentId, int attemptNumber) =>
        $"{paymentId["pay_".Length..]}A{attemptNumber:D2}";

    /// <summary>The attempt's number from its order number (null for a reference that is not an attempt's, e.g. a probe's).</summary>
    public static int? AttemptNumberOf(string reference) =>
        reference is [.. var id, 'A', >= '0' and <= '9' and var tens, >= '0' and <= '9' and var ones] && id.Length > 0 && !reference.StartsWith("PROBE", StringComparison.Ordinal)
            ? ((tens - '0') * 10) + (ones - '0')
            : null;

    /// <summary>
    /// The network's key for a merchant refund of an attempt: the attempt's order number, <c>F</c> and the refund's
    /// number (32 characters; automatic refunds of duplicates use <c>R</c>, so the two never meet).
    /// </summary>
    public static string RefundReference(string attemptReference, int refundNumber) => $"{attemptReference}F{refundNumber:D2}";

    /// <summary>The attempt's order number a refund reference (merchant <c>F</c> or automatic <c>R</c>) was made from, or null.</summary>
    public static string? AttemptReferenceOfRefund(string refundReference) =>
        refundReference is [.. var attempt, 'F' or 'R', >= '0' and <= '9', >= '0' and <= '9'] && attempt.Length > 0 ? attempt : null;

    public static bool LooksLikePaymentId(string? id) => HasShape(id, "pay_");

    public static bool LooksLikeRefundId(string? id) => HasShape(id, "re_");

    public static bool LooksLikeWebhookEndpointId(string? id) => HasShape(id, "we_");

    public static bool LooksLikeMerchantId(string? id) => HasShape(id, "mch_");

    public static bool LooksLikeApiKeyId(string? id) => HasShape(id, "key_");

    private static bool HasShape(string? id, string prefix) =>
        id is not null && id.Length == prefix.Length + 26 && id.StartsWith(prefix, StringComparison.Ordinal) && id[prefix.Length..].All(c => Alphabet.Contains(c));

    internal static string NewBody(TimeProvider clock)
    {
        Span<byte> bytes = stackalloc byte[16];
        var ms = (ulong)clock.GetUtcNow().ToUnixTimeMilliseconds();
        for (var i = 0; i < 6; i++)
        {
            bytes[i] = (byte)(ms >> (8 * (5 - i)));
        }
        RandomNumberGenerator.Fill(bytes[6..]);
        // 128 bits -> 26 base32 characters (130 bits, the first character carries 3).
        var value = new System.Numerics.BigInteger(bytes, isUnsigned: true, isBigEndian: true);
        var chars = new char[26];
        for (var i = 25; i >= 0; i--)
        {
            chars[i] = Alphabet[(int)(value % 32)];
            value /= 32;
        }
        return new string(chars);
    }
}
