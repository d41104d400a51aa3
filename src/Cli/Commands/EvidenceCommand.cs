using System.CommandLine;
using System.Globalization;
using Paygate.Cli.Failures;
using Paygate.V1;
using Spectre.Console;

namespace Paygate.Cli.Commands;

/// <summary>
/// <c>paygate evidence verify | export | heads</c>: the evidence chain through the operators' EvidenceService (operator key). <c>verify</c>
/// exits <see cref="ExitCodes.EvidenceBroken"/> when the chain is broken, so that a scheduled check can alert on it.
/// </summary>
public static class EvidenceCommand
{
    public static Command Create(CommandContextFactory commands) =>
        new("evidence", "The evidence chain of payment changes (operator key): verify it, export a payment's evidence bundle, list the published heads.")
        {
            Verify(commands),
            Export(commands),
            Heads(commands),
        };

    private static Command Verify(CommandContextFactory commands)
    {
        var verify = new Command("verify",
            "Checks every link of the chain and every published head. Exit 0 when intact; exit 12 when broken, with the first broken link and the problem "
            + "(hash_mismatch: edited; link_mismatch or sequence_gap: deleted or reordered; truncated or head_mismatch: cut short or rewritten).");
        commands.SetAction(verify, async (context, ct) =>
        {
            var result = await context.Evidence.VerifyAsync(ct);
            if (context.Output.Json)
            {
                context.Output.WriteJson(result);
            }
            else if (result.Intact)
            {
                context.Output.WriteMarkupLine($"[green]intact[/]: {result.LinksChecked.ToString(CultureInfo.InvariantCulture)} links checked"
                    + (result.Head is { } head ? $", head {head.Sequence.ToString(CultureInfo.InvariantCulture)} {Markup.Escape(head.Hash)}" : ""));
            }
            else
            {
                context.Output.WriteMarkupLine($"[red]broken[/] at link {result.FirstBrokenSequence.ToString(CultureInfo.InvariantCulture)}: "
                    + $"{Markup.Escape(result.Problem)}");
                context.Output.WriteLine(result.Detail);
            }
            return result.Intact ? ExitCodes.Ok : ExitCodes.EvidenceBroken;
        });
        return verify;
    }

    private static Command Export(CommandContextFactory commands)
    {
        var paymentId = new Argument<string>("payment_id") { Description = "The payment, pay_..." };
        var output = new Option<FileInfo?>("--out") { Description = "Write the bundle to this file (else to standard output)." };
        var export = new Command("export",
            "A payment's evidence bundle: its entries, the links that tie them to a published head, and the steps to check them with sha256sum or openssl.")
        {
            paymentId,
            output,
        };
        commands.SetAction(export, async (context, ct) =>
        {
            var bundle = await context.Evidence.ExportAsync(context.Value(paymentId), ct);
            if (context.Parsed.GetValue(output) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, bundle.Document, ct);
                context.Output.WriteLine($"wrote {file.FullName}: evidence of {bundle.PaymentId}, SHA-256 {bundle.DocumentSha256}");
            }
            else
            {
                context.Output.WriteJsonText(bundle.Document);
                await context.Error.WriteLineAsync($"SHA-256 of the bundle: {bundle.DocumentSha256}");
            }
            return ExitCodes.Ok;
        });
        return export;
    }

    private static Command Heads(CommandContextFactory commands)
    {
        var limit = NumberOptions.Whole("--limit", "How many heads, newest first.", 1, 100, 20);
        var heads = new Command("heads", "The chain's published heads, newest first: keep copies of them where the database's writers cannot reach.") { limit };
        commands.SetAction(heads, async (context, ct) =>
        {
            var response = await context.Evidence.ListHeadsAsync(context.Value(limit), cancellationToken: ct);
            if (context.Output.Json)
            {
                context.Output.WriteJson(response);
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumns("sequence", "hash", "published");
            foreach (ChainHead head in response.Heads)
            {
                table.AddRow(head.Sequence.ToString(CultureInfo.InvariantCulture), head.Hash,
                    head.PublishTime.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            }
            context.Output.Write(table);
            return ExitCodes.Ok;
        });
        return heads;
    }
}
