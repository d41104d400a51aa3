using System.ComponentModel.DataAnnotations;

namespace Paygate.Gateway.Risk.Verification;

/// <summary>How strong a risk challenge is, by the customer's risk level (settings <c>Risk:Challenge</c>).</summary>
public sealed class ChallengeOptions
{
    public const string Section = "Risk:Challenge";

    /// <summary>How long a code is good.</summary>
    [Range(typeof(TimeSpan), "00:00:30", "01:00:00")]
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Digits of the code for a <c>normal</c> or <c>elevated</c> customer.</summary>
    [Range(4, 10)]
    public int CodeLength { get; set; } = 6;

    /// <summary>Digits of the code for a <c>high</c> risk customer.</summary>
    [Range(4, 10)]
    public int HighRiskCodeLength { get; set; } = 8;

    /// <summary>Tries (wrong codes allowed plus the right one) for a <c>normal</c> customer.</summary>
    [Range(1, 10)]
    public int Attempts { get; set; } = 5;

    /// <summary>Tries for an <c>elevated</c> or <c>high</c> risk customer.</summary>
    [Range(1, 10)]
    public int RaisedLevelAttempts { get; set; } = 3;

    public int CodeLengthFor(string level) => level == RiskLevels.High ? HighRiskCodeLength : CodeLength;

    public int AttemptsFor(string level) => level == RiskLevels.Normal ? Attempts : RaisedLevelAttempts;
}
