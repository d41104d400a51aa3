using Paygate.Cli.Drills.Scenarios;
using Paygate.V1;

namespace Paygate.Cli.Drills.Running;

/// <summary>One payment of a drill: what was asked, how the gateway answered and when, whether the payer paid, and how it ended.</summary>
public sealed class DrillPayment(int index, PaymentKind kind, CreatePaymentRequest request)
{
    public int Index => index;
    public PaymentKind Kind => kind;

    /// <summary>The request, with its request_id: replayed after the faults when its answer was lost.</summary>
    public CreatePaymentRequest Request => request;

    /// <summary>When the create call started, from the drill's start.</summary>
    public TimeSpan Started { get; set; }

    /// <summary>How long the create call took (the client's retries included).</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>The payment's id once the gateway acknowledged it.</summary>
    public string? Id { get; set; }

    /// <summary>The PM code (or gRPC status) of a create call that returned no payment.</summary>
    public string? RefusedWith { get; set; }

    /// <summary>Whether the create call may have taken effect without saying so (replayed with its request_id after the faults).</summary>
    public bool OutcomeUnknown { get; set; }

    /// <summary>Whether the payer paid what was shown.</summary>
    public bool Paid { get; set; }

    /// <summary>The bank's entry reference of the payer's transfer, by the attempt's channel reference it quoted.</summary>
    public string? BankEntry { get; set; }

    /// <summary>The attempt reference the bank transfer quoted.</summary>
    public string? BankEntryFor { get; set; }

    /// <summary>The payment as read back at the end; null when acknowledged but no longer found (lost), or never created.</summary>
    public Payment? Final { get; set; }

    /// <summary>Whether the gateway acknowledged it but no longer has it.</summary>
    public bool Lost { get; set; }
}
