using Paygate.Client.Calls;
using Paygate.V1;

namespace Paygate.Client;

/// <summary>The merchant's reports: a group's consolidated bill, page by page, and the monthly payment health report.</summary>
public sealed class ReportsClient
{
    private readonly GatewayCalls _calls;
    private readonly ReportService.ReportServiceClient _grpc;

    internal ReportsClient(GatewayCalls calls, ReportService.ReportServiceClient grpc)
    {
        _calls = calls;
        _grpc = grpc;
    }

    /// <summary>One page of a group's bill for a month (<c>YYYY-MM</c>) or days (<c>from_date</c>/<c>to_date</c>), with the whole period's totals.</summary>
    public Task<ConsolidatedBill> GetBillAsync(GetConsolidatedBillRequest request, CancellationToken cancellationToken = default) =>
        _calls.UnaryAsync(request, _grpc.GetConsolidatedBillAsync, cancellationToken);

    /// <summary>The payment health report of <paramref name="month"/> (<c>YYYY-MM</c>), of one group's payments when <paramref name="groupId"/> is given.</summary>
    public Task<HealthReport> GetHealthReportAsync(string month, string? groupId = null, CancellationToken cancellationToken = default) =>
        _calls.UnaryAsync(new GetHealthReportRequest { Month = month, GroupId = groupId ?? "" }, _grpc.GetHealthReportAsync, cancellationToken);
}
