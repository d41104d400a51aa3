using System.CommandLine;

namespace Paygate.Cli.Commands.Payments;

/// <summary>The arguments and options several payment commands share, described once.</summary>
public static class PaymentArguments
{
    public static Argument<string> Id() => new("id") { Description = "The payment's id, pay_..." };

    public static Option<string?> RequestId(string what) => new("--request-id")
    {
        Description = $"The idempotency key of the {what} (a UUID). Repeating the command with the same id does the work once; "
            + "without it the client makes one (shown in the error when the outcome is unknown, to repeat with).",
    };
}
