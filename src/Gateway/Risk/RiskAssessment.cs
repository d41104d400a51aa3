namespace Paygate.Gateway.Risk;

/// <summary>The risk engine's decision; the same names as the API's <c>RiskAssessment.Outcome</c>.</summary>
public enum RiskOutcome
{
    Allow = 1,
    Challenge = 2,
    Block = 3,
}

/// <summary>Where a risk challenge stands; the same names as the API's <c>RiskAssessment.ChallengeState</c>.</summary>
public enum ChallengeState
{
    Pending = 1,
    Passed = 2,
    Failed = 3,
}

/// <summary>One rule that fired.</summary>
/// <param name="Rule">The rule's name in the rule set, e.g. <c>velocity.methods</c>.</param>
/// <param name="Action">What it asks for.</param>
/// <param name="Reason">What was seen against what limit, for people.</param>
/// <param name="Inputs">What it read (never a card number or a secret).</param>
public sealed record RiskRuleHit(string Rule, RiskOutcome Action, string Reason, IReadOnlyDictionary<string, string> Inputs);

/// <summary>What the risk engine decided about a payment, and why; kept on the payment.</summary>
public sealed record RiskAssessment
{
    public required RiskOutcome Outcome { get; init; }
    /// <summary>The rule set version that decided.</summary>
    public required long RuleSetVersion { get; init; }
    /// <summary>Every rule that fired, in the order checked.</summary>
    public IReadOnlyList<RiskRuleHit> Hits { get; init; } = [];
    /// <summary><c>normal</c>, <c>elevated</c> or <c>high</c>.</summary>
    public string CustomerLevel { get; init; } = RiskLevels.Normal;
    public required DateTimeOffset DecideTime { get; init; }
    /// <summary>Set for a challenge: pending until the payer answers.</summary>
    public ChallengeState? Challenge { get; init; }
}

/// <summary>A customer's risk level: a higher one raises the verification asked.</summary>
public static class RiskLevels
{
    public const string Normal = "normal";
    public const string Elevated = "elevated";
    public const string High = "high";
}
