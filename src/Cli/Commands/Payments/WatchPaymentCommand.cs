using System.CommandLine;
using Paygate.Cli.Failures;
using Paygate.Cli.Output;
using Paygate.Client.Errors;
using Paygate.V1;
using Spectre.Console;

namespace Paygate.Cli.Commands.Payments;

/// <summary>
/// <c>paygate payments watch &lt;id&gt;</c>: the payment as it is, then each change, until it is final (with no refund pending).
/// Exits 0 when it ends SUCCEEDED, CANCELED or EXPIRED, and 6 with the reason when it ends FAILED.
/// </summary>
public static class WatchPaymentCommand
{
    public static Command Create(CommandContextFactory commands)
    {
        var id = PaymentArguments.Id();
        var watch = new Command("watch", "Streams a payment's changes until it is final; exit 6 when it ends FAILED.") { id };
        commands.SetAction(watch, async (context, ct) =>
        {
            Payment? last = null;
            await foreach (var change in context.Client.Payments.WatchAsync(context.Value(id), ct))
            {
                last = change.Payment;
                if (context.Output.Json)
                {
                    context.Output.WriteJson(change);
                    continue;
                }
                var payment = change.Payment;
                var state = ProtoText.Enum(payment.State);
                var detail = change.Refund is { } r && r.Id.Length > 0 ? $" refund {r.Id} {ProtoText.Enum(r.State)} {MoneyText.Format(r.AmountMinor, r.Currency)}"
                    : payment.Error is { } e && e.Code.Length > 0 ? $" {e.Code} {e.Message}" : "";
                context.Output.WriteMarkupLine($"{ProtoText.Time(change.EventTime)}  {Markup.Escape(change.EventType),-26} {ProtoText.StateMarkup(state)}{Markup.Escape(detail)}");
            }
            if (last is { State: Payment.Types.State.Failed } failed)
            {
                throw Failure(failed);
            }
            return ExitCodes.Ok;
        });
        return watch;
    }

    /// <summary>The failed payment as the client's typed exception: a decline for payer and risk codes, a failure otherwise.</summary>
    private static PaymentFailedException Failure(Payment payment)
    {
        var error = new PaygateError(Grpc.Core.StatusCode.OK, payment.Error?.Code ?? "", payment.Error?.Message is { Length: > 0 } m ? m : "the payment failed",
            "paygate", new Dictionary<string, string> { ["payment_id"] = payment.Id }, [], null);
        return error.Family is 1 or 3 ? new PaymentDeclinedException(error, payment) : new PaymentFailedException(error, payment);
    }
}
