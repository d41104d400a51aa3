using System.CommandLine;
using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Paygate.Cli.Failures;
using Paygate.Client.Errors;
using Paygate.V1;

namespace Paygate.Cli.Commands.Payments;

/// <summary>
/// <c>paygate payments create</c>: a payment of <c>--amount</c> minor units of <c>--currency</c>, routed by the gateway or sent to
/// <c>--channel</c>; a card (sandbox test cards such as 4242 4242 4242 4242) with <c>--card</c>. The card number goes to the gateway
/// only and is never printed.
/// </summary>
public static class CreatePaymentCommand
{
    public static Command Create(CommandContextFactory commands)
    {
        var amount = NumberOptions.MinorUnits("--amount", "The amount in minor units of --currency (e.g. 12000 for 120.00 USD).", required: true);
        var currency = new Option<string>("--currency") { Description = "The ISO 4217 code, e.g. CNY, USD, EUR.", Required = true };
        currency.Validators.Add(result =>
        {
            if (result.GetValue(currency) is not { Length: 3 } c || !c.All(char.IsAsciiLetterUpper))
            {
                result.AddError("--currency must be an ISO 4217 code in capitals, e.g. USD");
            }
        });
        var description = new Option<string>("--description") { Description = "What is paid for, 1 to 127 characters (the payer sees it).", Required = true };
        var channel = new Option<string?>("--channel") { Description = "The channel: alipay, wechatpay, unionpay, card, banktransfer or swift; absent: the gateway routes." };
        var card = new Option<string?>("--card") { Description = "The card number, for the card channel (sandbox: 4242424242424242 is approved at once)." };
        var expiry = new Option<string?>("--expiry") { Description = "The card's expiry, MM/YYYY (with --card)." };
        expiry.Validators.Add(result =>
        {
            if (result.GetValue(expiry) is { } e && Expiry(e) is null)
            {
                result.AddError("--expiry must be MM/YYYY, e.g. 12/2031");
            }
        });
        var cvc = new Option<string?>("--cvc") { Description = "The card's security code (with --card)." };
        var customerType = new Option<string>("--customer-type") { Description = "The payer: personal or enterprise.", DefaultValueFactory = _ => "personal" };
        customerType.AcceptOnlyFromAmong("personal", "enterprise");
        var country = new Option<string?>("--country") { Description = "The payer's country, ISO 3166-1 alpha-2, e.g. CN." };
        var device = new Option<string?>("--device") { Description = "The payer's device: pc, mobile or enterprise." };
        var expires = new Option<DateTimeOffset?>("--expires") { Description = "When an unpaid payment expires (ISO 8601); default 24 hours." };
        var metadata = new Option<string[]>("--metadata") { Description = "Merchant data returned unchanged, key=value (repeatable).", AllowMultipleArgumentsPerToken = false };
        metadata.Validators.Add(result =>
        {
            foreach (var entry in result.GetValue(metadata) ?? [])
            {
                if (entry.IndexOf('=', StringComparison.Ordinal) < 1)
                {
                    result.AddError($"--metadata must be key=value (got '{entry}')");
                }
            }
        });
        var requestId = PaymentArguments.RequestId("payment");
        var create = new Command("create", "Creates a payment and shows it (SUCCEEDED for an approved card, REQUIRES_ACTION with a QR code or a redirect for wallets).")
        {
            amount, currency, description, channel, card, expiry, cvc, customerType, country, device, expires, metadata, requestId,
        };
        commands.SetAction(create, async (context, ct) =>
        {
            var request = new CreatePaymentRequest
            {
                AmountMinor = context.Value(amount),
                Currency = context.Value(currency),
                Description = context.Value(description),
                RequestId = context.Parsed.GetValue(requestId) ?? "",
                Customer = new Customer
                {
                    Type = context.Value(customerType) == "enterprise" ? Customer.Types.Type.Enterprise : Customer.Types.Type.Personal,
                    Country = context.Parsed.GetValue(country) ?? "",
                    Device = context.Parsed.GetValue(device) ?? "",
                },
            };
            if (context.Parsed.GetValue(expires) is { } at)
            {
                request.ExpireTime = Timestamp.FromDateTimeOffset(at);
            }
            foreach (var entry in context.Parsed.GetValue(metadata) ?? [])
            {
                var equals = entry.IndexOf('=', StringComparison.Ordinal);
                request.Metadata[entry[..equals]] = entry[(equals + 1)..];
            }
            var method = new PaymentMethod { Channel = context.Parsed.GetValue(channel) ?? "" };
            if (context.Parsed.GetValue(card) is { } number)
            {
                var (month, year) = context.Parsed.GetValue(expiry) is { } e ? Expiry(e)!.Value
                    : throw new UsageException("--expiry is required with --card (MM/YYYY)");
                method.Card = new CardDetails { Number = number.Replace(" ", "", StringComparison.Ordinal), ExpMonth = month, ExpYear = year, Cvc = context.Parsed.GetValue(cvc) ?? "" };
                method.Channel = method.Channel.Length > 0 ? method.Channel : "card";
            }
            if (method.Channel.Length > 0)
            {
                request.PaymentMethod = method;
            }
            try
            {
                context.Output.Payment(await context.Client.Payments.CreateAsync(request, ct));
                return ExitCodes.Ok;
            }
            catch (PaymentFailedException failed) when (failed.Payment is { } payment)
            {
                // The payment exists, FAILED: show it (the scripts' JSON too), then the one-line reason on stderr.
                context.Output.Payment(payment);
                throw;
            }
        });
        return create;
    }

    private static (int Month, int Year)? Expiry(string text)
    {
        var parts = text.Split('/');
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var month) && month is >= 1 and <= 12
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var year) && year is >= 2000 and <= 2099
            ? (month, year)
            : null;
    }
}
