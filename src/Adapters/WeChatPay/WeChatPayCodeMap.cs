using Paygate.Adapters.Contract;
using Paygate.Adapters.Errors;

namespace Paygate.Adapters.WeChatPay;

/// <summary>One row of the WeChat Pay error table: the error <c>code</c> (either spelling) to outcome and unified code.</summary>
/// <param name="Code">The code as WeChat Pay sends it.</param>
/// <param name="Outcome">What the answer means for the money.</param>
/// <param name="Error">The unified code.</param>
public sealed record WeChatPayCodeRow(string Code, ChannelOutcome Outcome, ErrorCode Error);

/// <summary>WeChat Pay's error codes mapped to outcomes and unified codes: data, one row per spelling.</summary>
public static class WeChatPayCodeMap
{
    public static IReadOnlyList<WeChatPayCodeRow> Rows { get; } =
    [
        new("PARAM_ERROR", ChannelOutcome.Failed, ErrorCatalogue.ChannelRequestInvalid),
        new("INVALID_REQUEST", ChannelOutcome.Failed, ErrorCatalogue.ChannelRequestInvalid),
        new("APPID_MCHID_NOT_MATCH", ChannelOutcome.Failed, ErrorCatalogue.ChannelPermissionDenied),
        new("MCH_NOT_EXISTS", ChannelOutcome.Failed, ErrorCatalogue.ChannelPermissionDenied),
        new("ORDER_CLOSED", ChannelOutcome.Declined, ErrorCatalogue.TradeClosed),
        new("ORDERCLOSED", ChannelOutcome.Declined, ErrorCatalogue.TradeClosed),
        new("SIGN_ERROR", ChannelOutcome.Failed, ErrorCatalogue.MerchantSignatureRejected),
        new("NO_AUTH", ChannelOutcome.Failed, ErrorCatalogue.ChannelPermissionDenied),
        new("OUT_TRADE_NO_USED", ChannelOutcome.Failed, ErrorCatalogue.OrderNumberConflict),
        new("RULE_LIMIT", ChannelOutcome.Declined, ErrorCatalogue.BlockedByRisk),
        // "Trade error" covers states such as an order paid meanwhile: ask before moving on.
        new("TRADE_ERROR", ChannelOutcome.Unknown, ErrorCatalogue.OutcomeUnknown),
        new("NOT_ENOUGH", ChannelOutcome.Declined, ErrorCatalogue.InsufficientBalance),
        new("NOTENOUGH", ChannelOutcome.Declined, ErrorCatalogue.InsufficientBalance),
        new("ACCOUNT_ERROR", ChannelOutcome.Declined, ErrorCatalogue.PayerAccountRestricted),
        new("ORDER_NOT_EXIST", ChannelOutcome.Failed, ErrorCatalogue.ChannelOrderNotFound),
        new("ORDERNOTEXIST", ChannelOutcome.Failed, ErrorCatalogue.ChannelOrderNotFound),
        new("RESOURCE_NOT_EXISTS", ChannelOutcome.Failed, ErrorCatalogue.ChannelOrderNotFound),
        new("FREQUENCY_LIMITED", ChannelOutcome.Failed, ErrorCatalogue.ChannelRateLimited),
        new("SYSTEM_ERROR", ChannelOutcome.Unknown, ErrorCatalogue.OutcomeUnknown),
        new("SYSTEMERROR", ChannelOutcome.Unknown, ErrorCatalogue.OutcomeUnknown),
        new("BANK_ERROR", ChannelOutcome.Unknown, ErrorCatalogue.OutcomeUnknown),
        new("BANKERROR", ChannelOutcome.Unknown, ErrorCatalogue.OutcomeUnknown),
    ];

    /// <summary>
    /// The row for a code. A code WeChat Pay never documented (such as <c>ORDERPAID</c> in old documents) is an
    /// unknown outcome: the order is queried rather than given up on, which could charge twice.
    /// </summary>
    public static WeChatPayCodeRow Find(string code) =>
        Rows.FirstOrDefault(r => r.Code == code) ?? new WeChatPayCodeRow(code, ChannelOutcome.Unknown, ErrorCatalogue.OutcomeUnknown);
}
