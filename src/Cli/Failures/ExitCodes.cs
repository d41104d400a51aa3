namespace Paygate.Cli.Failures;

/// <summary>
/// <c>paygate</c>'s exit codes: one per family of failure, so that a script can tell a typo from a declined card from a gateway
/// that is down without reading the message.
/// </summary>
public static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;
    /// <summary>A failure that fits no other family: the gateway's own internal error (PM-4500) or a bug.</summary>
    public const int Internal = 1;
    /// <summary>Bad arguments: the command line's (parse errors, a missing key) or the gateway's (INVALID_ARGUMENT, PM-5xxx/PM-6xxx fields).</summary>
    public const int Usage = 2;
    /// <summary>The key was refused: unknown, revoked, expired, or the wrong role (PM-6001/PM-6002).</summary>
    public const int Authentication = 3;
    /// <summary>No such payment, refund or entry for this merchant (NOT_FOUND).</summary>
    public const int NotFound = 4;
    /// <summary>The payment's state does not allow it, or the request_id was used for something else (FAILED_PRECONDITION, ALREADY_EXISTS, ABORTED).</summary>
    public const int Conflict = 5;
    /// <summary>The payment failed or was declined (PM-1xxx payer, PM-3xxx risk, PM-4xxx every channel failed).</summary>
    public const int PaymentFailed = 6;
    /// <summary>The outcome is unknown (PM-2xxx, a deadline): do not pay again; watch the payment or repeat with the same --request-id.</summary>
    public const int OutcomeUnknown = 7;
    /// <summary>Rate limited (RESOURCE_EXHAUSTED, PM-6018): wait and try again.</summary>
    public const int RateLimited = 8;
    /// <summary>The gateway cannot be reached or is not serving (UNAVAILABLE, no connection, not healthy).</summary>
    public const int Unavailable = 9;
    /// <summary>A drill found money lost, charged twice, or a payment whose money disagrees with its state.</summary>
    public const int DrillMoneyWrong = 10;
    /// <summary>A drill's money was right, but a threshold of its scenario (success rate, unresolved, failovers) was missed.</summary>
    public const int DrillExpectationsMissed = 11;
    /// <summary><c>evidence verify</c> found the evidence chain broken: a link edited, deleted, moved, or the chain cut short before a published head.</summary>
    public const int EvidenceBroken = 12;
    /// <summary>Interrupted (Ctrl+C), as shells count it.</summary>
    public const int Interrupted = 130;

    /// <summary>The table of codes, for <c>--help</c>.</summary>
    public const string Help =
        "Exit codes: 0 done; 1 internal error; 2 bad arguments; 3 key refused; 4 not found; 5 conflict with the payment's state; "
        + "6 payment failed or declined; 7 outcome unknown (do not pay again); 8 rate limited; 9 gateway unreachable or unhealthy; "
        + "10 a drill found money lost or charged twice; 11 a drill missed its scenario's thresholds; "
        + "12 the evidence chain is broken; 130 interrupted.";
}
