using System.CommandLine;
using Paygate.Cli.Failures;
using Paygate.Cli.Output;
using Spectre.Console;

namespace Paygate.Cli.Commands;

/// <summary>
/// <c>paygate events tail</c>: the merchant's events (the ones its webhooks receive) from a cursor, then each new one as it happens,
/// until Ctrl+C or <c>--count</c>; on stopping it says which cursor to resume after.
/// </summary>
public static class EventsCommand
{
    public static Command Create(CommandContextFactory commands)
    {
        var after = new Option<string?>("--after") { Description = "The cursor of the last event already seen; absent: from the first event." };
        var count = NumberOptions.Whole("--count", "Stop after this many events; 0 follows until Ctrl+C.", 0, int.MaxValue, 0);
        var tail = new Command("tail", "Prints the merchant's events from a cursor and follows new ones (Ctrl+C stops, with the cursor to resume after).") { after, count };
        commands.SetAction(tail, async (context, ct) =>
        {
            var limit = context.Value(count);
            var seen = 0;
            string? cursor = context.Parsed.GetValue(after);
            try
            {
                await foreach (var e in context.Client.Events.StreamAsync(cursor, ct))
                {
                    cursor = e.Cursor;
                    seen++;
                    if (context.Output.Json)
                    {
                        context.Output.WriteJson(e);
                    }
                    else
                    {
                        var payment = e.Payment;
                        var what = e.Refund is { } r && r.Id.Length > 0 ? $"{r.Id} {ProtoText.Enum(r.State)} {MoneyText.Format(r.AmountMinor, r.Currency)}"
                            : payment is null ? "" : $"{payment.Id} {ProtoText.Enum(payment.State)} {MoneyText.Format(payment.AmountMinor, payment.Currency)}";
                        context.Output.WriteMarkupLine($"{Markup.Escape(e.Cursor)}  {ProtoText.Time(e.CreateTime)}  {Markup.Escape(e.Type),-26} {Markup.Escape(what)}");
                    }
                    if (limit > 0 && seen >= limit)
                    {
                        break;
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Ctrl+C is how a tail ends: not a failure.
            }
            await context.Error.WriteLineAsync(cursor is null ? $"paygate: {seen} events" : $"paygate: {seen} events; resume with paygate events tail --after {cursor}");
            return ExitCodes.Ok;
        });
        return new Command("events", "The merchant's event stream (with the merchant key).") { tail };
    }
}
