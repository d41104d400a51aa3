namespace Paygate.Client.Calls;

/// <summary>What a merchant (or operator) key looks like: the gateway's <c>sk_</c> (merchant) or <c>ok_</c> (operator) prefix and nothing a header could not carry.</summary>
internal static class ApiKeyFormat
{
    public static bool IsMerchantKey(string? key) =>
        key is { Length: > 8 } && (key.StartsWith("sk_test_", StringComparison.Ordinal) || key.StartsWith("sk_live_", StringComparison.Ordinal))
        && key.All(c => c is > ' ' and < '\u007f');

    public static bool IsOperatorKey(string? key) =>
        key is { Length: > 8 } && (key.StartsWith("ok_test_", StringComparison.Ordinal) || key.StartsWith("ok_live_", StringComparison.Ordinal))
        && key.All(c => c is > ' ' and < '\u007f');
}
