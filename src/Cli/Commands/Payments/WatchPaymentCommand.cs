using System.CommandLine;
using Paygate.Cli.Failures;
using Paygate.Cli.Output;
using Paygate.Client.Errors;
using Paygate.V1;
using Spectre.Console;

namespace Paygate.Cli.Commands.Payments;

/// <summary>
/// <c>paygate payments watch &lt;id&gt;</c>: the payment as it is, then each change, until it is final (with no refund pending).
/// Exits 0 when it ends SUCCEEDED, CANCELED or EXPIRED, and 6 with the reason when it is FAILED (which the gateway does not count as
/// final, as a retry may still pay it: the watch stops there all the same, and a new watch follows a retry).
/// </summary>
public static class WatchPaymentCommand
{
    public static Command Create(CommandContextFactory commands)
    {
        var id = PaymentArguments.Id();
        var watch = new Command("watch", "Streams a payment's changes until it is final (SUCCEEDED, CANCELED or EXPIRED with no refund pending: exit 0) or FAILED (exit 6, with the reason).") { id };
        commands.SetAction(watch, async (context, ct) =>
        {
            var payment = context.Output.Json || !context.Output.IsTerminal
                ? await FollowAsync(context, context.Value(id), _ => { }, ct)
                : await context.Output.Console.Status().Spinner(Spinner.Known.Dots).StartAsync("waiting for the payment to be final...",
                    status => FollowAsync(context, context.Value(id), state => status.Status($"{state}: waiting for the payment to be final..."), ct));
            if (payment is { State: Payment.Types.State.Failed } failed)
            {
                throw Failure(failed);
            }
            return ExitCodes.Ok;
        });
        return watch;
    }

    /// <summary>Prints each change (a line, or its JSON) until the stream ends; returns the payment as it was last.</summary>
    private static async Task<Payment?> FollowAsync(CommandContext context, string id, Action<string> showState, CancellationToken cancellationToken)
    {
        Payment? last = null;
        await foreach (var change in context.Client.Payments.WatchAsync(id, cancellationToken))
        {
            last = change.Payment;
            if (context.Output.Json)
            {
                context.Output.WriteJson(change);
                continue;
            }
            var state = ProtoText.Enum(last.State);
            var detail = change.Refund is { } r && r.Id.Length > 0 ? $" refund {r.Id} {ProtoText.Enum(r.State)} {MoneyText.Format(r.AmountMinor, r.Currency)}"
                : last.Error is { } e && e.Code.Length > 0 ? $" {e.Code} {e.Message}" : "";
            context.Output.WriteMarkupLine($"{ProtoText.Time(change.EventTime)}  {Markup.Escape(change.EventType),-26} {ProtoText.StateMarkup(state)}{Markup.Escape(detail)}");
            showState(state);
            if (last.State == Payment.Types.State.Failed)
            {
                // The gateway keeps the stream open (a FAILED payment can still be paid again with a retry); the watcher has its answer.
                break;
            }
        }
        return last;
    }

    /// <summary>The failed payment as the client's typed exception: a decline for payer and risk codes, a failure otherwise.</summary>
    private static PaymentFailedException Failure(Payment payment)
    {
        var error = new PaygateError(Grpc.Core.StatusCode.OK, payment.Error?.Code ?? "", payment.Error?.Message is { Length: > 0 } m ? m : "the payment failed",
            "paygate", new Dictionary<string, string> { ["payment_id"] = payment.Id }, [], null);
        return error.Family is 1 or 3 ? new PaymentDeclinedException(error, payment) : new PaymentFailedException(error, payment);
    }
}
