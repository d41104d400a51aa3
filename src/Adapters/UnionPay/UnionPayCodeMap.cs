using Paygate.Adapters.Contract;
using Paygate.Adapters.Errors;

namespace Paygate.Adapters.UnionPay;

/// <summary>One row of the UnionPay <c>respCode</c> table.</summary>
/// <param name="Code">The respCode.</param>
/// <param name="Meaning">What it means.</param>
/// <param name="Outcome">What it means for the money.</param>
/// <param name="Error">The unified code, null for success.</param>
public sealed record UnionPayCodeRow(string Code, string Meaning, ChannelOutcome Outcome, ErrorCode? Error);

/// <summary>UnionPay ACP response codes mapped to outcomes and unified codes: data, one row a code.</summary>
public static class UnionPayCodeMap
{
    public static IReadOnlyList<UnionPayCodeRow> Rows { get; } =
    [
        new("00", "success", ChannelOutcome.Succeeded, null),
        new("A6", "success with defects", ChannelOutcome.Succeeded, null),
        new("01", "transaction failed", ChannelOutcome.Failed, ErrorCatalogue.ChannelBusinessFailure),
        new("02", "system not open or temporarily closed", ChannelOutcome.Failed, ErrorCatalogue.ChannelDown),
        new("03", "communication timeout: query", ChannelOutcome.Unknown, ErrorCatalogue.ChannelTimeout),
        new("04", "status unknown: query", ChannelOutcome.Unknown, ErrorCatalogue.OutcomeUnknown),
        new("05", "accepted: query later", ChannelOutcome.Unknown, ErrorCatalogue.OutcomeUnknown),
        new("06", "system busy", ChannelOutcome.Failed, ErrorCatalogue.ChannelRateLimited),
        new("10", "message format error", ChannelOutcome.Failed, ErrorCatalogue.ChannelRequestInvalid),
        new("11", "signature verification failed", ChannelOutcome.Failed, ErrorCatalogue.MerchantSignatureRejected),
        new("12", "duplicate transaction", ChannelOutcome.Failed, ErrorCatalogue.OrderNumberConflict),
        new("13", "required fields missing", ChannelOutcome.Failed, ErrorCatalogue.ChannelRequestInvalid),
        new("30", "transaction not approved", ChannelOutcome.Declined, ErrorCatalogue.CardDeclined),
        new("31", "merchant status incorrect", ChannelOutcome.Failed, ErrorCatalogue.ChannelPermissionDenied),
        new("32", "no permission for this transaction", ChannelOutcome.Failed, ErrorCatalogue.ChannelPermissionDenied),
        new("33", "amount over limit", ChannelOutcome.Declined, ErrorCatalogue.PayerLimitExceeded),
        new("34", "no such transaction", ChannelOutcome.Failed, ErrorCatalogue.ChannelOrderNotFound),
        new("35", "original transaction status incorrect", ChannelOutcome.Failed, ErrorCatalogue.ChannelBusinessFailure),
        new("36", "does not match the original transaction", ChannelOutcome.Failed, ErrorCatalogue.OrderNumberConflict),
        new("37", "query too frequent", ChannelOutcome.Failed, ErrorCatalogue.ChannelRateLimited),
        new("38", "restricted by risk control", ChannelOutcome.Declined, ErrorCatalogue.BlockedByRisk),
        new("39", "outside the accepted time window", ChannelOutcome.Failed, ErrorCatalogue.ChannelBusinessFailure),
        new("61", "invalid card number", ChannelOutcome.Declined, ErrorCatalogue.CardInvalid),
        new("64", "insufficient balance", ChannelOutcome.Declined, ErrorCatalogue.InsufficientBalance),
        new("65", "PIN, expiry or CVN2 wrong", ChannelOutcome.Declined, ErrorCatalogue.CardInvalid),
        new("73", "card expired", ChannelOutcome.Declined, ErrorCatalogue.CardExpired),
        new("99", "generic error", ChannelOutcome.Unknown, ErrorCatalogue.OutcomeUnknown),
    ];

    /// <summary>
    /// The row of a code: exact, then its documented range (30-39 merchant and limits: failed; 60-80 card and
    /// issuer: declined), else an unknown outcome to be settled by query.
    /// </summary>
    public static UnionPayCodeRow Find(string code)
    {
        if (Rows.FirstOrDefault(r => r.Code == code) is { } row)
        {
            return row;
        }
        if (int.TryParse(code, out var n))
        {
            if (n is >= 30 and <= 39)
            {
                return new(code, "merchant, permission or limit", ChannelOutcome.Failed, ErrorCatalogue.ChannelBusinessFailure);
            }
            if (n is >= 60 and <= 80)
            {
                return new(code, "card or issuer", ChannelOutcome.Declined, ErrorCatalogue.CardDeclined);
            }
        }
        return new(code, "undocumented", ChannelOutcome.Unknown, ErrorCatalogue.OutcomeUnknown);
    }
}
