using System.Globalization;
using System.Text.Json;
using Paygate.V1;

namespace Paygate.Cli.Drills.Simulators;

/// <summary>
/// Plays the payer of a drill: pays whatever the payment shows (scans the QR code, submits the UnionPay form and pays at the
/// cashier, pushes the bank transfer quoting the reference), through the simulators' own payer endpoints. It keeps the bank's
/// entry reference of each transfer: the bank's ledger names entries by those, not by the payment's reference.
/// </summary>
public sealed class Payer(SimulatorsClient simulators)
{
    /// <summary>Pays <paramref name="payment"/> when it waits for its payer.</summary>
    /// <returns>Whether it paid, and the bank's entry reference for a transfer.</returns>
    public async Task<(bool Paid, string? BankEntry)> PayAsync(Payment payment, CancellationToken cancellationToken)
    {
        if (payment.State != Payment.Types.State.RequiresAction || payment.NextAction is not { } action || payment.Attempts.Count == 0)
        {
            return (false, null);
        }
        var attempt = payment.Attempts[^1];
        switch (attempt.Channel)
        {
            case "alipay":
                return (await simulators.PostFormAsync("/alipay/buyer/pay", [new("qr_code", action.QrCode)], cancellationToken) is not null, null);
            case "wechatpay":
                return (await simulators.PostFormAsync("/wechatpay/buyer/pay", [new("code_url", action.QrCode)], cancellationToken) is not null, null);
            case "unionpay":
                // The payer's browser submits the form to UnionPay's cashier, then pays there.
                if (await simulators.PostFormAsync(action.RedirectUrl, action.RedirectForm, cancellationToken) is null)
                {
                    return (false, null);
                }
                return (await simulators.PostFormAsync("/unionpay/buyer/pay", [new("orderId", attempt.ChannelReference)], cancellationToken) is not null, null);
            case "banktransfer" when action.BankTransfer is { } transfer:
                var answer = await simulators.PostFormAsync("/bank/payer/transfer",
                [
                    new("amount_minor", transfer.AmountMinor.ToString(CultureInfo.InvariantCulture)),
                    new("currency", transfer.Currency),
                    new("reference", transfer.Reference),
                    new("virtual_account", transfer.Account),
                ], cancellationToken);
                return answer is null ? (false, null) : (true, EntryReference(answer));
            default:
                return (false, null);
        }
    }

    private static string? EntryReference(string answer)
    {
        using var json = JsonDocument.Parse(answer);
        return json.RootElement.GetProperty("account_servicer_ref").GetString();
    }
}
