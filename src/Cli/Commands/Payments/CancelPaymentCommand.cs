using System.CommandLine;
using Paygate.Cli.Failures;

namespace Paygate.Cli.Commands.Payments;

/// <summary><c>paygate payments cancel &lt;id&gt;</c>: cancels an unpaid payment (closing its channel order).</summary>
public static class CancelPaymentCommand
{
    public static Command Create(CommandContextFactory commands)
    {
        var id = PaymentArguments.Id();
        var requestId = PaymentArguments.RequestId("cancellation");
        var cancel = new Command("cancel", "Cancels an unpaid payment; a final one is refused (exit 5).") { id, requestId };
        commands.SetAction(cancel, async (context, ct) =>
        {
            context.Output.Payment(await context.Client.Payments.CancelAsync(context.Value(id), context.Parsed.GetValue(requestId), ct));
            return ExitCodes.Ok;
        });
        return cancel;
    }
}
