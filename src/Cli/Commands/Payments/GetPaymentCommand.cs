using System.CommandLine;
using Paygate.Cli.Failures;
using Paygate.Cli.Output;

namespace Paygate.Cli.Commands.Payments;

/// <summary><c>paygate payments get &lt;id&gt;</c>: one payment, with its attempts and refunds.</summary>
public static class GetPaymentCommand
{
    public static Command Create(CommandContextFactory commands)
    {
        var id = PaymentArguments.Id();
        var get = new Command("get", "Shows one payment: its state, amount, attempts and refunds.") { id };
        commands.SetAction(get, async (context, ct) =>
        {
            context.Output.Payment(await context.Client.Payments.GetAsync(context.Value(id), ct));
            return ExitCodes.Ok;
        });
        return get;
    }
}
