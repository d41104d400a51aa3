using Paygate.Adapters.Contract;
using Paygate.Adapters.Errors;

namespace Paygate.Adapters.Card;

/// <summary>Whether the card networks allow trying the same card again (Visa's retry categories).</summary>
public enum CardRetryCategory
{
    /// <summary>Approved: nothing to retry.</summary>
    None,
    /// <summary>Never reattempt with the same card (Visa category 1).</summary>
    NeverRetry,
    /// <summary>May be reattempted later, within the networks' caps (15 in 30 days per card under Visa rules).</summary>
    RetryLater,
}

/// <summary>One ISO 8583 field 39 response code: outcome, unified code and retry category.</summary>
/// <param name="Code">The two-character response code.</param>
/// <param name="Meaning">What it means.</param>
/// <param name="Outcome">For the payment: issuer declines are Declined (no failover); acquirer or switch trouble is Failed;
/// an answer that may hide a charge is Unknown (settled by query).</param>
/// <param name="Error">The unified code, null for approval.</param>
/// <param name="Retry">The card network's retry category.</param>
public sealed record CardCodeRow(string Code, string Meaning, ChannelOutcome Outcome, ErrorCode? Error, CardRetryCategory Retry);

/// <summary>ISO 8583 response codes mapped to outcomes, unified codes and Visa retry categories: data, one row a code.</summary>
public static class CardCodeMap
{
    public static IReadOnlyList<CardCodeRow> Rows { get; } =
    [
        new("00", "approved", ChannelOutcome.Succeeded, null, CardRetryCategory.None),
        new("01", "refer to card issuer", ChannelOutcome.Declined, ErrorCatalogue.CardDeclined, CardRetryCategory.RetryLater),
        new("03", "invalid merchant", ChannelOutcome.Failed, ErrorCatalogue.ChannelMerchantConfiguration, CardRetryCategory.RetryLater),
        new("04", "pick up card", ChannelOutcome.Declined, ErrorCatalogue.CardLostOrStolen, CardRetryCategory.NeverRetry),
        new("05", "do not honor", ChannelOutcome.Declined, ErrorCatalogue.CardDeclined, CardRetryCategory.RetryLater),
        new("06", "error", ChannelOutcome.Failed, ErrorCatalogue.ChannelBusinessFailure, CardRetryCategory.RetryLater),
        new("07", "pick up card, special condition", ChannelOutcome.Declined, ErrorCatalogue.CardLostOrStolen, CardRetryCategory.NeverRetry),
        // Approvals in another shape than a plain 00 (with identification, partial, VIP): the money may have moved, so
        // the order's own record (a query) decides, never this answer alone.
        new("08", "honour with identification", ChannelOutcome.Unknown, ErrorCatalogue.OutcomeUnknown, CardRetryCategory.NeverRetry),
        new("09", "request in progress", ChannelOutcome.Unknown, ErrorCatalogue.OutcomeUnknown, CardRetryCategory.NeverRetry),
        new("10", "approved for partial amount", ChannelOutcome.Unknown, ErrorCatalogue.OutcomeUnknown, CardRetryCategory.NeverRetry),
        new("11", "approved (VIP)", ChannelOutcome.Unknown, ErrorCatalogue.OutcomeUnknown, CardRetryCategory.NeverRetry),
        new("12", "invalid transaction", ChannelOutcome.Declined, ErrorCatalogue.CardNotPermitted, CardRetryCategory.NeverRetry),
        // The amount is the payment's, whichever acquirer carries it: another channel would refuse it too.
        new("13", "invalid amount", ChannelOutcome.Declined, ErrorCatalogue.ChannelRequestInvalid, CardRetryCategory.RetryLater),
        new("14", "invalid card number", ChannelOutcome.Declined, ErrorCatalogue.CardInvalid, CardRetryCategory.NeverRetry),
        new("15", "no such issuer", ChannelOutcome.Declined, ErrorCatalogue.CardInvalid, CardRetryCategory.NeverRetry),
        new("19", "re-enter transaction", ChannelOutcome.Failed, ErrorCatalogue.ChannelBusinessFailure, CardRetryCategory.RetryLater),
        // A soft decline asking for strong customer authentication (Visa); the channel turns it into a challenge when the
        // acquirer offers one, else the payer could not authenticate.
        new("1A", "additional customer authentication required", ChannelOutcome.Declined, ErrorCatalogue.CardAuthenticationNotCompleted, CardRetryCategory.RetryLater),
        new("30", "format error", ChannelOutcome.Declined, ErrorCatalogue.ChannelRequestInvalid, CardRetryCategory.NeverRetry),
        new("41", "lost card", ChannelOutcome.Declined, ErrorCatalogue.CardLostOrStolen, CardRetryCategory.NeverRetry),
        new("43", "stolen card", ChannelOutcome.Declined, ErrorCatalogue.CardLostOrStolen, CardRetryCategory.NeverRetry),
        new("46", "closed account", ChannelOutcome.Declined, ErrorCatalogue.CardNotPermitted, CardRetryCategory.NeverRetry),
        new("51", "insufficient funds", ChannelOutcome.Declined, ErrorCatalogue.InsufficientBalance, CardRetryCategory.RetryLater),
        new("54", "expired card", ChannelOutcome.Declined, ErrorCatalogue.CardExpired, CardRetryCategory.NeverRetry),
        new("55", "incorrect PIN", ChannelOutcome.Declined, ErrorCatalogue.CardPinInvalid, CardRetryCategory.RetryLater),
        new("57", "transaction not permitted to cardholder", ChannelOutcome.Declined, ErrorCatalogue.CardNotPermitted, CardRetryCategory.NeverRetry),
        // This acquirer's terminal is not set up for it: definitely not processed, and another acquirer may be.
        new("58", "transaction not permitted to terminal", ChannelOutcome.Failed, ErrorCatalogue.ChannelMerchantConfiguration, CardRetryCategory.RetryLater),
        new("59", "suspected fraud", ChannelOutcome.Declined, ErrorCatalogue.SuspectedFraud, CardRetryCategory.RetryLater),
        new("61", "exceeds withdrawal amount limit", ChannelOutcome.Declined, ErrorCatalogue.PayerLimitExceeded, CardRetryCategory.RetryLater),
        new("62", "restricted card", ChannelOutcome.Declined, ErrorCatalogue.CardNotPermitted, CardRetryCategory.RetryLater),
        new("63", "security violation", ChannelOutcome.Declined, ErrorCatalogue.SuspectedFraud, CardRetryCategory.NeverRetry),
        // Mastercard's SCA soft decline in the EEA shares this code; the channel tells the two apart by the acquirer's challenge.
        new("65", "exceeds withdrawal frequency limit", ChannelOutcome.Declined, ErrorCatalogue.CardActivityLimit, CardRetryCategory.RetryLater),
        // The issuer's answer came too late for the switch: it may have approved.
        new("68", "response received too late", ChannelOutcome.Unknown, ErrorCatalogue.OutcomeUnknown, CardRetryCategory.NeverRetry),
        new("75", "allowable PIN tries exceeded", ChannelOutcome.Declined, ErrorCatalogue.CardPinInvalid, CardRetryCategory.RetryLater),
        new("78", "blocked, first use", ChannelOutcome.Declined, ErrorCatalogue.CardNotPermitted, CardRetryCategory.RetryLater),
        // Acquirer or switch trouble, not the issuer's answer: another acquirer may succeed.
        new("91", "issuer or switch inoperative", ChannelOutcome.Failed, ErrorCatalogue.ChannelDown, CardRetryCategory.RetryLater),
        new("92", "unable to route transaction", ChannelOutcome.Failed, ErrorCatalogue.ChannelDown, CardRetryCategory.RetryLater),
        new("93", "transaction cannot be completed, violation of law", ChannelOutcome.Declined, ErrorCatalogue.CardNotPermitted, CardRetryCategory.NeverRetry),
        // An identical request was already received: the first may have been approved. Never a decline, never a failover.
        new("94", "duplicate transmission", ChannelOutcome.Unknown, ErrorCatalogue.OutcomeUnknown, CardRetryCategory.NeverRetry),
        new("96", "system malfunction", ChannelOutcome.Failed, ErrorCatalogue.ChannelDown, CardRetryCategory.RetryLater),
        new("N7", "decline for CVV2 failure", ChannelOutcome.Declined, ErrorCatalogue.CardInvalid, CardRetryCategory.RetryLater),
    ];

    /// <summary>The row of a response code; an undocumented non-approval is a decline by an unclassified reason.</summary>
    public static CardCodeRow Find(string code) =>
        Rows.FirstOrDefault(r => r.Code == code)
        ?? new CardCodeRow(code, "unclassified", ChannelOutcome.Declined, ErrorCatalogue.CardDeclined, CardRetryCategory.NeverRetry);
}
