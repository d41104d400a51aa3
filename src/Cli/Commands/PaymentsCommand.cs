using System.CommandLine;
using Paygate.Cli.Failures;
using Paygate.Cli.Output;

namespace Paygate.Cli.Commands;

/// <summary><c>paygate payments ...</c>: list, get, watch, create, cancel and refund the merchant's payments.</summary>
public static class PaymentsCommand
{
    public static Command Create(CommandContextFactory commands)
    {
        var payments = new Command("payments", "The merchant's payments (with the merchant key).");
        payments.Subcommands.Add(Get(commands));
        return payments;
    }

    private static Command Get(CommandContextFactory commands)
    {
        var id = new Argument<string>("id") { Description = "The payment's id, pay_..." };
        var get = new Command("get", "Shows one payment: its state, amount, attempts and refunds.") { id };
        commands.SetAction(get, async (context, ct) =>
        {
            var payment = await context.Client.Payments.GetAsync(context.Value(id), ct);
            if (context.Output.Json)
            {
                context.Output.WriteJson(payment);
            }
            else
            {
                context.Output.Write(PaymentView.Detail(payment));
            }
            return ExitCodes.Ok;
        });
        return get;
    }
}
