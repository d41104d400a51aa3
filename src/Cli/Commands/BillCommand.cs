using System.CommandLine;
using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;
using Paygate.Cli.Failures;
using Paygate.Client.Errors;
using Paygate.V1;

namespace Paygate.Cli.Commands;

/// <summary>
/// <c>paygate report bill --group grp_... --month YYYY-MM | --from YYYY-MM-DD --to YYYY-MM-DD --out bill.csv</c>: a group's
/// consolidated bill as CSV, streamed from the gateway's <c>/v1/groups/{group}/bill.csv</c> to the file as it comes (any size),
/// after the request is checked by <c>GetConsolidatedBill</c> (so that a bad group or period is the usual one-line error).
/// </summary>
public static class BillCommand
{
    public static Command Create(CommandContextFactory commands)
    {
        var group = new Option<string>("--group") { Description = "The group, grp_...", Required = true };
        var month = new Option<string?>("--month") { Description = "The month billed, YYYY-MM." };
        var from = new Option<string?>("--from") { Description = "The first day billed, YYYY-MM-DD (instead of --month)." };
        var to = new Option<string?>("--to") { Description = "The last day billed, YYYY-MM-DD, inclusive." };
        var output = new Option<FileInfo>("--out") { Description = "The CSV file to write.", Required = true };
        var command = new Command("bill",
            "A group's consolidated bill as CSV (merchant key): each payment and refund (negative) with project, department, channel and any "
            + "conversion, then subtotals and totals per currency, streamed to --out.")
        {
            group,
            month,
            from,
            to,
            output,
        };
        commands.SetAction(command, async (context, ct) =>
        {
            var request = new GetConsolidatedBillRequest
            {
                GroupId = context.Value(group),
                Month = context.Parsed.GetValue(month) ?? "",
                FromDate = context.Parsed.GetValue(from) ?? "",
                ToDate = context.Parsed.GetValue(to) ?? "",
                PageSize = 1,
            };
            var first = await context.Client.Reports.GetBillAsync(request, ct);
            var query = request.Month.Length > 0 ? $"month={Uri.EscapeDataString(request.Month)}" : $"from={Uri.EscapeDataString(request.FromDate)}&to={Uri.EscapeDataString(request.ToDate)}";
            var file = context.Value(output).FullName;
            var rows = await DownloadAsync(context, new Uri(context.Address, $"/v1/groups/{Uri.EscapeDataString(request.GroupId)}/bill.csv?{query}"), file, ct);
            context.Output.WriteLine($"wrote {file}: {rows} rows; " + string.Join(", ", first.Totals.Select(t => $"{t.PaymentCount} payments, {t.RefundCount} refunds in {t.Currency}")));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Copies the CSV to <paramref name="file"/> as it arrives (over HTTP/2, as the gRPC port speaks it); the number of lines.</summary>
    private static async Task<long> DownloadAsync(CommandContext context, Uri url, string file, CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, url) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", context.MerchantKey);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new ServiceUnavailableException(new PaygateError(StatusCode.Unavailable, "", $"the bill download answered HTTP {(int)response.StatusCode}: {body[..Math.Min(body.Length, 300)]}", "",
                new Dictionary<string, string>(), [], null));
        }
        await using var source = await response.Content.ReadAsStreamAsync(cancellationToken);
        await using var target = File.Create(file);
        var buffer = new byte[64 * 1024];
        long lines = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
            await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
        return lines;
    }
}
