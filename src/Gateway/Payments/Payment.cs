using Paygate.Adapters.Contract;
using Paygate.Adapters.Money;
using Paygate.Gateway.Risk;
using Paygate.Gateway.Routing;

namespace Paygate.Gateway.Payments;

/// <summary>The payer as the merchant described them.</summary>
/// <param name="Type"><c>personal</c> or <c>enterprise</c>.</param>
/// <param name="Country">ISO 3166-1 alpha-2, or empty.</param>
/// <param name="Device"><c>pc</c>, <c>mobile</c>, <c>enterprise</c>, or empty.</param>
/// <param name="Id">The merchant's own id of the payer, or null: risk control counts a customer's payments by it.</param>
/// <param name="RegisteredLocation">Where the payer's registered address is, or null.</param>
/// <param name="MaskedContact">Where a verification code goes, masked (the payment never keeps it in clear), or null.</param>
/// <param name="Account">The group sub-account the payment is for (<c>customer.account</c>), or null.</param>
/// <param name="Project">The merchant's project the payment is booked to, or null.</param>
public sealed record CustomerInfo(string Type, string Country, string Device, string? Id = null, GeoPoint? RegisteredLocation = null, string? MaskedContact = null,
    string? Account = null, string? Project = null);

/// <summary>The group sub-account a payment was booked to, as resolved when it was created (kept: bills and budgets read it).</summary>
/// <param name="GroupId">The group (<c>grp_...</c>).</param>
/// <param name="AccountId">The sub-account (the payment's <c>customer.account</c>).</param>
/// <param name="DepartmentCode">The sub-account's department code at the time of the payment.</param>
public sealed record GroupBooking(string GroupId, string AccountId, string DepartmentCode);

/// <summary>Why a payment failed or ended.</summary>
/// <param name="Code">The unified <c>PM-NNNN</c> code.</param>
/// <param name="Message">The payer-facing message.</param>
/// <param name="Channel">The channel whose answer caused it, if any.</param>
/// <param name="NativeCode">That channel's native code, if any.</param>
public sealed record PaymentError(string Code, string Message, string? Channel, string? NativeCode);

/// <summary>What is kept of a card: never the number.</summary>
/// <param name="Brand">visa, mastercard... (empty for a token).</param>
/// <param name="Last4">The last four digits (empty for a token).</param>
/// <param name="ExpMonth">Expiry month.</param>
/// <param name="ExpYear">Expiry year.</param>
/// <param name="Fingerprint">The keyed hash that names the card (or token) without revealing it, or null.</param>
public sealed record CardSummary(string Brand, string Last4, int ExpMonth, int ExpYear, string? Fingerprint = null);

/// <summary>The payment intent and everything that happened to it. Mutated only through <see cref="PaymentTransitions"/>.</summary>
public sealed class Payment
{
    public required string Id { get; init; }
    /// <summary>The merchant it belongs to (<c>mch_...</c>); empty only for a payment made before merchants existed.</summary>
    public string MerchantId { get; init; } = "";
    public required PaymentState State { get; set; }
    public required long AmountMinor { get; init; }
    public required string Currency { get; init; }
    public required string Description { get; init; }
    public required CustomerInfo Customer { get; init; }
    public string? PreferredChannel { get; init; }
    public CardSummary? Card { get; init; }
    /// <summary>The payer's bank account, for credit transfers the gateway instructs (kept: a resend must be the same message).</summary>
    public PayerAccount? Payer { get; init; }
    public List<Attempt> Attempts { get; init; } = [];
    /// <summary>Refunds requested by the merchant, oldest first.</summary>
    public List<Refund> Refunds { get; init; } = [];
    /// <summary>What the payer must do while the payment requires action (QR code, redirect).</summary>
    public PayerAction? NextAction { get; set; }
    /// <summary>Where the payer is, as the merchant said on creation or on the last pay-again.</summary>
    public PayerContext? PayerContext { get; set; }
    /// <summary>The risk engine's latest decision (creation, or the last pay-again).</summary>
    public RiskAssessment? Risk { get; set; }
    /// <summary>The one-time code the payer must enter while risk control's challenge is pending (kept as a keyed hash).</summary>
    public VerificationChallenge? Challenge { get; set; }
    public PaymentError? Error { get; set; }
    public required RoutingDecision Routing { get; init; }
    public required DateTimeOffset CreateTime { get; init; }
    public DateTimeOffset UpdateTime { get; set; }
    public required DateTimeOffset ExpireTime { get; init; }
    public Dictionary<string, string> Metadata { get; init; } = [];
    /// <summary>Where the checkout page sends the payer after success, as the merchant gave it; null if none.</summary>
    public string? ReturnUrl { get; init; }
    /// <summary>The group sub-account the payment is booked to, when its customer named one; null otherwise.</summary>
    public GroupBooking? Group { get; set; }
    /// <summary>The approval the payment needs from its sub-account's approvers (above the threshold); null otherwise.</summary>
    public Groups.PaymentApproval? Approval { get; set; }
    /// <summary>Set when money arrived for a payment that had already ended: an operator (or the refund worker) must act.</summary>
    public bool Flagged { get; set; }
    /// <summary>
    /// Set when the bank reversed the credit that paid this payment (camt <c>RvslInd</c>): the money is gone, though the
    /// payment stays SUCCEEDED, so nothing is left to refund.
    /// </summary>
    public bool Reversed { get; set; }
    /// <summary>Optimistic-concurrency version: every saved change increments it.</summary>
    public long Version { get; set; }

    public Money Amount => new(AmountMinor, Adapters.Money.Currency.TryFind(Currency, out var c) ? c : throw new InvalidOperationException($"unsupported currency {Currency}"));

    public Attempt? CurrentAttempt => Attempts.Count == 0 ? null : Attempts[^1];

    /// <summary>The attempt that collected the payment (not one whose money was a duplicate given back).</summary>
    public Attempt? PaidAttempt => Attempts.FirstOrDefault(a => a.State == AttemptState.Succeeded && a.DuplicateRefund is null);

    /// <summary>What refunds gave back, confirmed by the network.</summary>
    public long RefundedMinor => Refunds.Where(r => r.State == RefundState.Succeeded).Sum(r => r.AmountMinor);

    /// <summary>What may still be refunded: the amount less every refund not failed (pending ones are reserved).</summary>
    public long RefundableMinor => State == PaymentState.Succeeded && !Reversed
        ? AmountMinor - Refunds.Where(r => r.State != RefundState.Failed).Sum(r => r.AmountMinor)
        : 0;

    public Refund? FindRefund(string id) => Refunds.FirstOrDefault(r => r.Id == id);

    public Attempt? FindAttempt(string channel, string reference) =>
        Attempts.FirstOrDefault(a => a.Channel == channel && a.Reference == reference);
}

/// <summary>One try on one channel.</summary>
public sealed class Attempt
{
    public required string Id { get; init; }
    public required int Number { get; init; }
    public required string Channel { get; init; }
    /// <summary>The order number at the channel, derived from the payment id and attempt number.</summary>
    public required string Reference { get; init; }
    public string? TransactionId { get; set; }
    public required AttemptState State { get; set; }
    public string? NativeCode { get; set; }
    public string? NativeMessage { get; set; }
    public string? ErrorCode { get; set; }
    public required DateTimeOffset CreateTime { get; init; }
    public DateTimeOffset UpdateTime { get; set; }
    /// <summary>Set when this attempt took money the payment did not need (a late or second success): it is refunded.</summary>
    public DuplicateRefund? DuplicateRefund { get; set; }
    /// <summary>Set when the channel settles in another currency than the payment's: the amount it was sent, and the quote.</summary>
    public AttemptConversion? Conversion { get; init; }

    /// <summary>What the channel is asked to collect: the payment's amount, or its conversion.</summary>
    public Money SettlementAmount(Payment payment) => Conversion is { } c
        ? new Money(c.SettlementAmountMinor, Adapters.Money.Currency.TryFind(c.SettlementCurrency, out var currency) ? currency : throw new InvalidOperationException(c.SettlementCurrency))
        : payment.Amount;
}

/// <summary>The conversion an attempt was sent with, at a quoted rate.</summary>
/// <param name="QuoteId">The quote, <c>fxq_...</c>.</param>
/// <param name="SettlementAmountMinor">The converted amount the channel collects.</param>
/// <param name="SettlementCurrency">The channel's currency.</param>
/// <param name="Rate">Units of the settlement currency per unit of the payment's.</param>
/// <param name="RatesAsOf">When the rate table was taken.</param>
/// <param name="QuoteExpireTime">Until when the quote held.</param>
public sealed record AttemptConversion(string QuoteId, long SettlementAmountMinor, string SettlementCurrency, decimal Rate, DateTimeOffset RatesAsOf, DateTimeOffset QuoteExpireTime);

/// <summary>The automatic refund of money an attempt took that the payment did not need.</summary>
/// <param name="Reference">The refund's idempotency key at the network, stable across resends.</param>
/// <param name="RequestTime">When it was first requested (stable: UnionPay keys refunds by it).</param>
/// <param name="Done">Whether the network confirmed the money went back.</param>
public sealed record DuplicateRefund(string Reference, DateTimeOffset RequestTime, bool Done);
