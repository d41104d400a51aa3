using System.CommandLine;
using Paygate.Cli.Commands.Payments;

namespace Paygate.Cli.Commands;

/// <summary><c>paygate payments ...</c>: list, get, watch, create, cancel and refund the merchant's payments.</summary>
public static class PaymentsCommand
{
    public static Command Create(CommandContextFactory commands) =>
        new("payments", "The merchant's payments (with the merchant key).")
        {
            ListPaymentsCommand.Create(commands),
            GetPaymentCommand.Create(commands),
            WatchPaymentCommand.Create(commands),
            CreatePaymentCommand.Create(commands),
            CancelPaymentCommand.Create(commands),
            RefundPaymentCommand.Create(commands),
        };
}
