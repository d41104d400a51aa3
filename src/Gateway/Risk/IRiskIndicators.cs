namespace Paygate.Gateway.Risk;

/// <summary>A merchant's risk indicators as this instance counts them (RiskService.GetRiskIndicators reads them).</summary>
public interface IRiskIndicators
{
    RiskIndicatorSnapshot Snapshot(string merchantId, DateTimeOffset now);
}

/// <summary>A merchant's indicators at a moment.</summary>
/// <param name="MerchantId">The merchant.</param>
/// <param name="PaymentsLastMinute">Payments created in the last minute.</param>
/// <param name="PaymentsToday">Payments created since midnight UTC.</param>
/// <param name="PeakPaymentsPerMinuteToday">The highest payments-per-minute seen today.</param>
/// <param name="DeclineRateLastHour">Declined or failed over finished payments in the last hour, 0 to 1.</param>
/// <param name="AbnormalIpShareLastHour">Payments from abnormal IPs over payments with an IP in the last hour, 0 to 1.</param>
/// <param name="AsOf">When.</param>
public sealed record RiskIndicatorSnapshot(
    string MerchantId,
    long PaymentsLastMinute,
    long PaymentsToday,
    long PeakPaymentsPerMinuteToday,
    decimal DeclineRateLastHour,
    decimal AbnormalIpShareLastHour,
    DateTimeOffset AsOf);
