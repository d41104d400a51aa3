namespace Paygate.Client.Calls;

/// <summary>What a merchant key looks like: the gateway's <c>sk_</c> prefix and nothing a header could not carry.</summary>
internal static class ApiKeyFormat
{
    public static bool IsMerchantKey(string? key) =>
        key is { Length: > 8 } && (key.StartsWith("sk_test_", StringComparison.Ordinal) || key.StartsWith("sk_live_", StringComparison.Ordinal))
        && key.All(c => c is > ' ' and < '\u007f');
}
