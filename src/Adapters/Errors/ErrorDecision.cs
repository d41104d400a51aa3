namespace Paygate.Adapters.Errors;

/// <summary>What the gateway does after an error with a given unified code.</summary>
public enum ErrorDecision
{
    /// <summary>Send the same attempt again (the network de-duplicates by order number).</summary>
    RetrySame,
    /// <summary>The channel definitely did not process it: try the next candidate channel.</summary>
    FailOver,
    /// <summary>The outcome is unknown: query the channel before doing anything else.</summary>
    QueryFirst,
    /// <summary>Final: neither retry nor fail over.</summary>
    DoNotRetry,
}
