using System.CommandLine;
using Paygate.Cli.Failures;
using Paygate.Cli.Output;
using Paygate.V1;

namespace Paygate.Cli.Commands.Payments;

/// <summary><c>paygate payments refund &lt;id&gt; [--amount]</c>: gives money back, partly or all that is left.</summary>
public static class RefundPaymentCommand
{
    public static Command Create(CommandContextFactory commands)
    {
        var id = PaymentArguments.Id();
        var amount = NumberOptions.MinorUnits("--amount", "How much to give back, in minor units (e.g. 500 for 5.00 USD); absent: everything left.");
        var reason = new Option<string?>("--reason") { Description = "Why, up to 80 characters (the channel may show it to the payer)." };
        var requestId = PaymentArguments.RequestId("refund");
        var refund = new Command("refund", "Refunds a SUCCEEDED payment, partly or fully; prints the refund (SUCCEEDED, or PENDING while the channel confirms).")
        {
            id, amount, reason, requestId,
        };
        commands.SetAction(refund, async (context, ct) =>
        {
            var created = await context.Client.Refunds.CreateAsync(new RefundPaymentRequest
            {
                Id = context.Value(id),
                AmountMinor = context.Parsed.GetValue(amount),
                Reason = context.Parsed.GetValue(reason) ?? "",
                RequestId = context.Parsed.GetValue(requestId) ?? "",
            }, ct);
            if (context.Output.Json)
            {
                context.Output.WriteJson(created);
            }
            else
            {
                context.Output.Write(PaymentView.Refunds([created]));
            }
            return ExitCodes.Ok;
        });
        return refund;
    }
}
