namespace Paygate.Simulators.WeChatPay;

/// <summary>A merchant known to the simulated WeChat Pay: its app, its API certificate's public key and its APIv3 key.</summary>
internal sealed record WeChatPayMerchant(string MchId, string AppId, string SerialNo, System.Security.Cryptography.RSA PublicKey, string ApiV3Key);

/// <summary>What a merchant needs to point a WeChat Pay adapter at the simulator. Holds secrets.</summary>
/// <param name="MchId">The merchant id.</param>
/// <param name="AppId">The app id bound to it.</param>
/// <param name="MerchantSerialNo">The serial of the merchant API certificate.</param>
/// <param name="MerchantPrivateKeyPem">The merchant API private key.</param>
/// <param name="ApiV3Key">The 32-character APIv3 key.</param>
/// <param name="PlatformSerialNo">The serial of the platform key that signs responses.</param>
/// <param name="PlatformPublicKeyPem">The platform public key.</param>
public sealed record WeChatPaySandboxMerchant(string MchId, string AppId, string MerchantSerialNo, string MerchantPrivateKeyPem, string ApiV3Key, string PlatformSerialNo, string PlatformPublicKeyPem);

/// <summary>One Native order as the simulated WeChat Pay keeps it.</summary>
public sealed class WeChatPayOrder
{
    public required string MchId { get; init; }
    public required string AppId { get; init; }
    public required string OutTradeNo { get; init; }
    public required string Description { get; init; }
    public required long TotalFen { get; init; }
    public required string CodeUrl { get; init; }
    public required string NotifyUrl { get; init; }
    public required DateTimeOffset ExpireAt { get; init; }
    public string TradeState { get; set; } = "NOTPAY";
    public string? TransactionId { get; set; }
    public DateTimeOffset? PaidAt { get; set; }
    public long RefundedFen { get; set; }
}

/// <summary>One refund as the simulated WeChat Pay keeps it.</summary>
/// <param name="Status"><c>PROCESSING</c>, then <c>SUCCESS</c>, <c>CLOSED</c> or <c>ABNORMAL</c>.</param>
/// <param name="NotifyUrl">Where its notification goes (the refund's <c>notify_url</c>, else the order's).</param>
public sealed record WeChatPayRefund(string OutRefundNo, string RefundId, string OutTradeNo, string TransactionId, long RefundFen, long TotalFen, DateTimeOffset CreateTime,
    string MchId, string Status, string NotifyUrl, DateTimeOffset? SuccessTime = null);

/// <summary>What the simulated WeChat Pay really moved.</summary>
/// <param name="OutTradeNo">The merchant's order number.</param>
/// <param name="TransactionId">WeChat Pay's transaction id.</param>
/// <param name="Kind"><c>charge</c> or <c>refund</c>.</param>
/// <param name="AmountFen">The amount in fen.</param>
/// <param name="Time">When.</param>
/// <param name="OutRefundNo">A refund's <c>out_refund_no</c>.</param>
/// <param name="RefundId">A refund's <c>refund_id</c>.</param>
public sealed record WeChatPayLedgerEntry(string OutTradeNo, string TransactionId, string Kind, long AmountFen, DateTimeOffset Time, string? OutRefundNo = null, string? RefundId = null);
