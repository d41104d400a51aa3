using Paygate.Adapters.Contract;
using Paygate.Adapters.Errors;

namespace Paygate.Adapters.Swift;

/// <summary>
/// Why a transfer was rejected (ISO 20022 status reason codes, as gpi tracking reports them) and what a NAK means, as
/// unified codes. Every NAK is a message format error (PM-5001): the gateway sent something the network refuses.
/// </summary>
public static class SwiftCodeMap
{
    public static readonly IReadOnlyList<(string Code, ChannelOutcome Outcome, ErrorCode Error)> RejectReasons =
    [
        ("AM04", ChannelOutcome.Declined, ErrorCatalogue.InsufficientBalance),   // insufficient funds
        ("AC01", ChannelOutcome.Declined, ErrorCatalogue.PayerAccountRestricted), // incorrect account number
        ("AC04", ChannelOutcome.Declined, ErrorCatalogue.PayerAccountRestricted), // closed account
        ("AC06", ChannelOutcome.Declined, ErrorCatalogue.PayerAccountRestricted), // blocked account
        ("AG01", ChannelOutcome.Declined, ErrorCatalogue.PayerPaymentFailed),     // transaction forbidden on this account
        ("RR04", ChannelOutcome.Declined, ErrorCatalogue.BlockedByRisk),          // regulatory reason
        ("FF01", ChannelOutcome.Declined, ErrorCatalogue.SwiftFormat),            // invalid file format
    ];

    /// <summary>The reject reason's row; an unlisted reason is still a definite rejection by the payer's side (PM-1006).</summary>
    public static (ChannelOutcome Outcome, ErrorCode Error) ForReject(string reason)
    {
        var row = RejectReasons.FirstOrDefault(r => r.Code == reason);
        return row.Code is null ? (ChannelOutcome.Declined, ErrorCatalogue.PayerPaymentFailed) : (row.Outcome, row.Error);
    }
}
