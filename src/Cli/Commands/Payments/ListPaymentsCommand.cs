using System.CommandLine;
using Paygate.Cli.Failures;
using Paygate.Cli.Output;
using Paygate.V1;

namespace Paygate.Cli.Commands.Payments;

/// <summary><c>paygate payments list</c>: the merchant's payments, newest first, a page at a time (or all pages with <c>--all</c>).</summary>
public static class ListPaymentsCommand
{
    private static readonly string[] States = ["processing", "requires_action", "succeeded", "failed", "canceled", "expired"];

    public static Command Create(CommandContextFactory commands)
    {
        var state = new Option<string?>("--state") { Description = "Only payments in this state." };
        state.AcceptOnlyFromAmong(States);
        var limit = NumberOptions.Whole("--limit", "Payments per page, 1 to 100.", 1, 100, 20);
        var pageToken = new Option<string?>("--page-token") { Description = "The next-page token a previous list printed (with the same --state)." };
        var all = new Option<bool>("--all") { Description = "Follow the pages to the end (with --json: one response holding every payment)." };
        var list = new Command("list", "Lists the merchant's payments, newest first.") { state, limit, pageToken, all };
        commands.SetAction(list, async (context, ct) =>
        {
            var request = new ListPaymentsRequest
            {
                PageSize = context.Value(limit),
                PageToken = context.Parsed.GetValue(pageToken) ?? "",
                State = context.Parsed.GetValue(state) is { } s ? Enum.Parse<Payment.Types.State>(s.Replace("_", ""), ignoreCase: true) : Payment.Types.State.Unspecified,
            };
            var page = await context.Client.Payments.ListAsync(request, ct);
            if (context.Value(all))
            {
                var everything = new ListPaymentsResponse { Payments = { page.Payments } };
                while (page.NextPageToken.Length > 0)
                {
                    request.PageToken = page.NextPageToken;
                    page = await context.Client.Payments.ListAsync(request, ct);
                    everything.Payments.Add(page.Payments);
                }
                page = everything;
            }
            if (context.Output.Json)
            {
                context.Output.WriteJson(page);
                return ExitCodes.Ok;
            }
            context.Output.Write(PaymentView.List(page.Payments));
            context.Output.WriteLine(page.NextPageToken.Length > 0
                ? $"{page.Payments.Count} shown; next page: paygate payments list --page-token {page.NextPageToken}"
                : $"{page.Payments.Count} shown; no more pages");
            return ExitCodes.Ok;
        });
        return list;
    }
}
