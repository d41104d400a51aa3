using System.Security.Cryptography;

namespace Paygate.Gateway.Disputes;

/// <summary>Ids of disputes (<c>dp_</c>), their evidence (<c>dpe_</c>) and payouts (<c>po_</c>): a prefix and 24 random hex digits.</summary>
public static class DisputeIds
{
    public static string NewDisputeId() => "dp_" + Body();

    public static string NewEvidenceId() => "dpe_" + Body();

    public static string NewPayoutId() => "po_" + Body();

    public static bool LooksLikeDisputeId(string? id) =>
        id is { Length: 27 } && id.StartsWith("dp_", StringComparison.Ordinal) && id.AsSpan(3).ContainsAnyExcept("0123456789abcdef") == false;

    private static string Body() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
}
