using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Paygate.Gateway.Api;
using Paygate.Gateway.Payments;
using Paygate.V1;

namespace Paygate.Gateway.Reports;

/// <summary>The merchant's ReportService: a group's consolidated bill and the monthly payment health report, for the caller's payments only.</summary>
public sealed class ReportGrpcService(ConsolidatedBills bills, HealthReports health, ReportPayments payments, IOptions<ReportOptions> options)
    : ReportService.ReportServiceBase
{
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;

    public override async Task<ConsolidatedBill> GetConsolidatedBill(GetConsolidatedBillRequest request, ServerCallContext context)
    {
        var merchantId = context.MerchantId();
        if (request.PageSize is < 0 or > MaxPageSize)
        {
            throw PaymentException.InvalidField("page_size", $"must be between 0 and {MaxPageSize}");
        }
        var period = bills.Period(request.Month, request.FromDate, request.ToDate);
        await payments.EnsureGroupAsync(merchantId, request.GroupId, context.CancellationToken);
        var after = BillPageTokens.Decode(request.PageToken, merchantId, request.GroupId, period);
        // The totals walk the whole period: on the first page only, so that paging through a bill reads it once more, not once a page.
        var totals = after is null ? await bills.TotalsAsync(merchantId, request.GroupId, period, context.CancellationToken) : new BillTotals();
        var (lines, next) = await bills.PageAsync(merchantId, request.GroupId, period, after, request.PageSize == 0 ? DefaultPageSize : request.PageSize,
            context.CancellationToken);
        return new ConsolidatedBill
        {
            GroupId = request.GroupId,
            StartTime = Timestamp.FromDateTimeOffset(period.Start),
            EndTime = Timestamp.FromDateTimeOffset(period.End),
            Totals =
            {
                totals.Totals.Select(t => new BillTotal
                {
                    Currency = t.Key, PaidMinor = t.Value.PaidMinor, RefundedMinor = t.Value.RefundedMinor, NetMinor = t.Value.NetMinor,
                    PaymentCount = t.Value.PaymentCount, RefundCount = t.Value.RefundCount, ConvertedCount = t.Value.ConvertedCount,
                }),
            },
            Subtotals =
            {
                totals.Subtotals.Select(s => new BillSubtotal
                {
                    Project = s.Key.Project, DepartmentCode = s.Key.DepartmentCode, Channel = s.Key.Channel, Currency = s.Key.Currency,
                    PaidMinor = s.Value.PaidMinor, RefundedMinor = s.Value.RefundedMinor, NetMinor = s.Value.NetMinor,
                    PaymentCount = s.Value.PaymentCount, RefundCount = s.Value.RefundCount,
                }),
            },
            Lines = { lines.Select(ToProto) },
            NextPageToken = next is null ? "" : BillPageTokens.Encode(next, merchantId, request.GroupId, period),
        };
    }

    public override async Task<V1.HealthReport> GetHealthReport(GetHealthReportRequest request, ServerCallContext context)
    {
        var report = await health.BuildAsync(context.MerchantId(), request.GroupId.Length == 0 ? null : request.GroupId, request.Month, context.CancellationToken);
        return new V1.HealthReport
        {
            Month = report.Month,
            GroupId = report.GroupId ?? "",
            StartTime = Timestamp.FromDateTimeOffset(report.Period.Start),
            EndTime = Timestamp.FromDateTimeOffset(report.Period.End),
            UtcOffset = Offset(options.Value.UtcOffset),
            Overall = ToProto(report.Overall),
            ByChannel = { report.ByChannel.Select(ToProto) },
            ByRegion = { report.ByRegion.Select(ToProto) },
            ByHour = { report.ByHour.Select(ToProto) },
            ProcessingTimes = new V1.ProcessingTimes
            {
                WorkingDayCount = report.ProcessingTimes.WorkingDayCount,
                WorkingDayAverageMs = (long)report.ProcessingTimes.WorkingDayAverage.TotalMilliseconds,
                HolidayCount = report.ProcessingTimes.HolidayCount,
                HolidayAverageMs = (long)report.ProcessingTimes.HolidayAverage.TotalMilliseconds,
            },
            Abnormal = { report.Abnormal.Select(a => new AbnormalTransactions { ErrorCode = a.ErrorCode, Meaning = a.Meaning, Failed = a.Failed, Expired = a.Expired }) },
            Recommendations =
            {
                report.Recommendations.Select(r => new V1.Recommendation
                {
                    Kind = r.Kind == RecommendationKind.SwitchChannel ? V1.Recommendation.Types.Kind.SwitchChannel : V1.Recommendation.Types.Kind.Capacity,
                    Region = r.Region, Channel = r.Channel, PreviousRate = r.PreviousRate, CurrentRate = r.CurrentRate,
                    SuggestedChannel = r.SuggestedChannel, SuggestedRate = r.SuggestedRate, Text = r.Text,
                }),
            },
            Forecast = new V1.VolumeForecast
            {
                Method = report.Forecast.Method,
                Month = report.Forecast.Month,
                PaymentCount = report.Forecast.PaymentCount,
                History = { report.Forecast.History.Select(h => new V1.MonthVolume { Month = h.Month, PaymentCount = h.PaymentCount }) },
            },
            HolidayCalendar = report.HolidayCalendar,
        };
    }

    private static SuccessRate ToProto(SuccessCount count) =>
        new() { Key = count.Key, Total = count.Total, Succeeded = count.Succeeded, Unsuccessful = count.Unsuccessful, SuccessRate_ = count.Rate };

    private static V1.BillLine ToProto(BillLine line) => new()
    {
        Kind = line.IsRefund ? V1.BillLine.Types.Kind.Refund : V1.BillLine.Types.Kind.Payment,
        PaymentId = line.PaymentId,
        RefundId = line.RefundId ?? "",
        Time = Timestamp.FromDateTimeOffset(line.Time),
        Project = line.Project,
        DepartmentCode = line.DepartmentCode,
        Account = line.Account,
        Channel = line.Channel,
        AmountMinor = line.AmountMinor,
        Currency = line.Currency,
        Conversion = line.Conversion is { } c
            ? new BillConversion { SettlementAmountMinor = c.SettlementAmountMinor, SettlementCurrency = c.SettlementCurrency, Rate = c.Rate.ToString(CultureInfo.InvariantCulture), QuoteId = c.QuoteId }
            : null,
        Description = line.Description,
    };

    /// <summary>An offset as <c>+08:00</c>.</summary>
    public static string Offset(TimeSpan offset) => (offset < TimeSpan.Zero ? "-" : "+") + offset.Duration().ToString(@"hh\:mm", CultureInfo.InvariantCulture);
}
