namespace Paygate.Gateway.Risk;

/// <summary>A rule set document that cannot be put in force: which rule (its JSON path) and why.</summary>
/// <param name="path">The rule's path in the document, e.g. <c>velocity.methods.distinct</c> (empty for the document as a whole).</param>
/// <param name="reason">What is wrong with it.</param>
public sealed class RiskRuleException(string path, string reason) : Exception(path.Length == 0 ? reason : $"{path}: {reason}")
{
    public string Path { get; } = path;
    public string Reason { get; } = reason;
}
