using Paygate.Adapters.Errors;

namespace Paygate.Adapters.Contract;

/// <summary>The answer of every channel call, with the native code as the network sent it and the unified code.</summary>
public sealed record ChannelResult
{
    public required ChannelOutcome Outcome { get; init; }
    /// <summary>The network's own code, as sent (e.g. <c>40004/ACQ.SYSTEM_ERROR</c>); empty when the network said nothing.</summary>
    public string NativeCode { get; init; } = "";
    /// <summary>The network's own message, as sent.</summary>
    public string NativeMessage { get; init; } = "";
    /// <summary>The unified code for any outcome other than success or action required.</summary>
    public ErrorCode? Error { get; init; }
    /// <summary>The network's own transaction id, once it has one (Alipay <c>trade_no</c>).</summary>
    public string? ChannelTransactionId { get; init; }
    /// <summary>What the payer must do, for <see cref="ChannelOutcome.RequiresAction"/>.</summary>
    public PayerAction? Action { get; init; }
    /// <summary>The amount the network reports for the order, when it reports one.</summary>
    public long? ReportedAmountMinor { get; init; }
    /// <summary>
    /// Set when the payer passed the network's strong customer authentication and the order waits for its authorisation
    /// with it (see <see cref="IPayerAuthenticationChannel"/>); the outcome is then <see cref="ChannelOutcome.Processing"/>.
    /// </summary>
    public string? AuthenticationId { get; init; }

    public static ChannelResult Success(string nativeCode, string nativeMessage, string? transactionId = null, long? amountMinor = null) =>
        new() { Outcome = ChannelOutcome.Succeeded, NativeCode = nativeCode, NativeMessage = nativeMessage, ChannelTransactionId = transactionId, ReportedAmountMinor = amountMinor };

    public static ChannelResult Unknown(ErrorCode error, string nativeCode, string nativeMessage) =>
        new() { Outcome = ChannelOutcome.Unknown, Error = error, NativeCode = nativeCode, NativeMessage = nativeMessage };
}

/// <summary>What the payer must do to finish a payment: show a QR code, or send the browser somewhere.</summary>
/// <param name="QrCode">The content of a QR code to show.</param>
/// <param name="RedirectUrl">Where to send the payer's browser.</param>
/// <param name="RedirectForm">When set, the browser must POST these fields to <paramref name="RedirectUrl"/> (an auto-submitting form).</param>
/// <param name="Transfer">When set, the payer must push a bank transfer as these instructions say.</param>
public sealed record PayerAction(string? QrCode, string? RedirectUrl, IReadOnlyDictionary<string, string>? RedirectForm = null, TransferInstructions? Transfer = null);

/// <summary>What a payer needs to push a bank transfer that the gateway can match.</summary>
/// <param name="BeneficiaryName">Whom to pay.</param>
/// <param name="Account">The account to pay into: the payment's own virtual account when the bank gives one.</param>
/// <param name="BankName">The beneficiary's bank.</param>
/// <param name="Bic">Its BIC, for transfers from abroad.</param>
/// <param name="Reference">The reference the payer must quote.</param>
/// <param name="AmountMinor">The exact amount to transfer, in minor units.</param>
/// <param name="Currency">Its currency.</param>
/// <param name="Deadline">Until when the transfer is matched to the payment.</param>
public sealed record TransferInstructions(string BeneficiaryName, string Account, string BankName, string Bic, string Reference, long AmountMinor, string Currency, DateTimeOffset Deadline);
