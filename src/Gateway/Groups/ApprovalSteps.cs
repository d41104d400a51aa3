using Paygate.Adapters.Errors;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Groups;

/// <summary>What an approver decided on a step.</summary>
public enum ApprovalDecision
{
    Approved = 1,
    Rejected = 2,
}

/// <summary>One approver's step: who, what they decided (null while open) and when.</summary>
/// <param name="Approver">The member whose step it is (<c>mem_...</c>); also who decided.</param>
/// <param name="Decision">The decision, or null while the step is open.</param>
/// <param name="DecideTime">When it was decided.</param>
/// <param name="Reason">The reason given with a rejection.</param>
public sealed record ApprovalStep(string Approver, ApprovalDecision? Decision = null, DateTimeOffset? DecideTime = null, string? Reason = null);

/// <summary>The approval a payment above its sub-account's threshold waits for.</summary>
/// <param name="AccountId">The sub-account whose approvers decide.</param>
/// <param name="Steps">The steps in the order they must be decided.</param>
public sealed record PaymentApproval(string AccountId, IReadOnlyList<ApprovalStep> Steps)
{
    public bool Rejected => Steps.Any(s => s.Decision == ApprovalDecision.Rejected);
}

/// <summary>
/// The one rule of ordered approvals, for payments and budget changes alike: only an approver named on a step decides it, once,
/// and only when every step before it is approved.
/// </summary>
public static class ApprovalSteps
{
    /// <summary>The steps for a sub-account's approvers, all open.</summary>
    public static IReadOnlyList<ApprovalStep> For(SubAccount account) => [.. account.Approvers.Select(a => new ApprovalStep(a))];

    /// <summary>
    /// <paramref name="steps"/> with <paramref name="member"/>'s decision recorded on its step. Refused, changing nothing, when the
    /// member has no step (<c>PM-6046</c>), decided already (<c>PM-6044</c>), or an earlier step is open (<c>PM-6045</c>).
    /// </summary>
    public static IReadOnlyList<ApprovalStep> Decide(IReadOnlyList<ApprovalStep> steps, string member, ApprovalDecision decision, string? reason, DateTimeOffset now,
        string subject)
    {
        var index = -1;
        for (var i = 0; i < steps.Count; i++)
        {
            if (steps[i].Approver == member)
            {
                index = i;
                break;
            }
        }
        var meta = new Dictionary<string, string> { ["member_id"] = member, ["subject"] = subject };
        if (index < 0)
        {
            throw new PaymentException(ErrorCatalogue.NotAnApprover, $"member {member} is not an approver of {subject}", metadata: meta);
        }
        if (steps[index].Decision is not null)
        {
            throw new PaymentException(ErrorCatalogue.ApprovalAlreadyDecided, $"member {member} already decided {subject}", metadata: meta);
        }
        if (steps.Take(index).FirstOrDefault(s => s.Decision is null) is { } open)
        {
            meta["waiting_for"] = open.Approver;
            throw new PaymentException(ErrorCatalogue.ApprovalOutOfOrder, $"{subject} waits for {open.Approver} before {member}", metadata: meta);
        }
        var decided = steps.ToList();
        decided[index] = steps[index] with { Decision = decision, DecideTime = now, Reason = reason };
        return decided;
    }

    /// <summary>Whether every step is approved.</summary>
    public static bool AllApproved(IReadOnlyList<ApprovalStep> steps) => steps.All(s => s.Decision == ApprovalDecision.Approved);

    /// <summary>The approver whose turn it is, or null when none is (all decided, or rejected).</summary>
    public static string? Next(IReadOnlyList<ApprovalStep> steps) =>
        steps.Any(s => s.Decision == ApprovalDecision.Rejected) ? null : steps.FirstOrDefault(s => s.Decision is null)?.Approver;

    /// <summary>Refused: nothing waits for approval on <paramref name="subject"/> any more.</summary>
    public static PaymentException NotPending(string subject, string why) =>
        new(ErrorCatalogue.ApprovalNotPending, $"{subject} {why}", metadata: new Dictionary<string, string> { ["subject"] = subject });
}
