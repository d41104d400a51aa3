using Paygate.Adapters.Contract;
using Paygate.Adapters.Errors;

namespace Paygate.Adapters.Alipay;

/// <summary>One row of the Alipay native-code table: <c>code</c> plus <c>sub_code</c> pattern to outcome and unified code.</summary>
/// <param name="Code">The top-level <c>code</c>.</param>
/// <param name="SubCode">The exact <c>sub_code</c>, a prefix ending in <c>*</c>, or <c>*</c> for any other.</param>
/// <param name="Outcome">What the answer means for the money.</param>
/// <param name="Error">The unified code, null for success.</param>
public sealed record AlipayCodeRow(string Code, string SubCode, ChannelOutcome Outcome, ErrorCode? Error);

/// <summary>Alipay's native codes mapped to outcomes and unified codes: data, one row per native code.</summary>
public static class AlipayCodeMap
{
    public static IReadOnlyList<AlipayCodeRow> Rows { get; } =
    [
        new("10000", "*", ChannelOutcome.Succeeded, null),
        new("20000", "isp.unknow-error", ChannelOutcome.Unknown, ErrorCatalogue.OutcomeUnknown),
        new("20000", "aop.unknow-error", ChannelOutcome.Unknown, ErrorCatalogue.OutcomeUnknown),
        new("20000", "*", ChannelOutcome.Unknown, ErrorCatalogue.OutcomeUnknown),
        new("20001", "*", ChannelOutcome.Failed, ErrorCatalogue.MerchantSignatureRejected),
        new("40001", "isv.missing-*", ChannelOutcome.Failed, ErrorCatalogue.ChannelRequestInvalid),
        new("40001", "*", ChannelOutcome.Failed, ErrorCatalogue.ChannelRequestInvalid),
        new("40002", "isv.invalid-signature", ChannelOutcome.Failed, ErrorCatalogue.MerchantSignatureRejected),
        new("40002", "isv.invalid-timestamp", ChannelOutcome.Failed, ErrorCatalogue.MerchantTimestampRejected),
        new("40002", "*", ChannelOutcome.Failed, ErrorCatalogue.ChannelRequestInvalid),
        new("40004", "ACQ.SYSTEM_ERROR", ChannelOutcome.Unknown, ErrorCatalogue.OutcomeUnknown),
        new("40004", "ACQ.TRADE_HAS_SUCCESS", ChannelOutcome.Succeeded, null),
        new("40004", "ACQ.BUYER_BALANCE_NOT_ENOUGH", ChannelOutcome.Declined, ErrorCatalogue.InsufficientBalance),
        new("40004", "ACQ.BUYER_BANKCARD_BALANCE_NOT_ENOUGH", ChannelOutcome.Declined, ErrorCatalogue.InsufficientBalance),
        new("40004", "ACQ.PAYMENT_AUTH_CODE_INVALID", ChannelOutcome.Declined, ErrorCatalogue.PayerCredentialInvalid),
        new("40004", "ACQ.TRADE_HAS_CLOSE", ChannelOutcome.Declined, ErrorCatalogue.TradeClosed),
        new("40004", "ACQ.CONTEXT_INCONSISTENT", ChannelOutcome.Declined, ErrorCatalogue.OrderNumberConflict),
        new("40004", "ACQ.TOTAL_FEE_EXCEED", ChannelOutcome.Declined, ErrorCatalogue.PayerLimitExceeded),
        new("40004", "ACQ.INVALID_PARAMETER", ChannelOutcome.Declined, ErrorCatalogue.ChannelRequestInvalid),
        new("40004", "ACQ.TRADE_NOT_EXIST", ChannelOutcome.Failed, ErrorCatalogue.ChannelOrderNotFound),
        new("40004", "*", ChannelOutcome.Failed, ErrorCatalogue.ChannelBusinessFailure),
        new("40005", "isv.app-call-limited", ChannelOutcome.Failed, ErrorCatalogue.ChannelRateLimited),
        new("40005", "*", ChannelOutcome.Failed, ErrorCatalogue.ChannelRateLimited),
        new("40006", "*", ChannelOutcome.Failed, ErrorCatalogue.ChannelPermissionDenied),
    ];

    /// <summary>
    /// The row for a code and sub code: exact sub code first, then the longest matching prefix, then the code's
    /// catch-all. A code Alipay never documented is treated as an unknown outcome, so the order is queried
    /// rather than given up on.
    /// </summary>
    public static AlipayCodeRow Find(string code, string? subCode)
    {
        var sub = subCode ?? "";
        var forCode = Rows.Where(r => r.Code == code).ToList();
        return forCode.FirstOrDefault(r => r.SubCode == sub && !sub.EndsWith('*'))
            ?? forCode.Where(r => r.SubCode.Length > 1 && r.SubCode.EndsWith('*') && sub.StartsWith(r.SubCode[..^1], StringComparison.Ordinal))
                .OrderByDescending(r => r.SubCode.Length).FirstOrDefault()
            ?? forCode.FirstOrDefault(r => r.SubCode == "*")
            ?? new AlipayCodeRow(code, sub, ChannelOutcome.Unknown, ErrorCatalogue.OutcomeUnknown);
    }
}
