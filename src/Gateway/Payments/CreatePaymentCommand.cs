using System.Security.Cryptography;
using System.Text;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Money;

namespace Paygate.Gateway.Payments;

/// <summary>A validated request to create a payment.</summary>
public sealed record CreatePaymentCommand(
    string? RequestId,
    Money Amount,
    string Description,
    CustomerInfo Customer,
    string? PreferredChannel,
    DateTimeOffset? ExpireTime,
    IReadOnlyDictionary<string, string> Metadata,
    PaymentCard? Card = null,
    PayerAccount? Payer = null,
    string? ReturnUrl = null,
    PayerContext? PayerContext = null,
    string? CardFingerprint = null,
    string? Contact = null)
{

    /// <summary>
    /// Whether a channel can run this payment: a card charge when a card is given, a credit transfer when the payer's
    /// account is given, else a payer-facing flow (QR code, redirect, or a transfer the payer pushes).
    /// </summary>
    public bool FitsFlows(IReadOnlySet<PaymentFlow> flows) =>
        Card is not null ? flows.Contains(PaymentFlow.Card)
        : Payer is not null ? flows.Contains(PaymentFlow.CreditTransfer)
        : flows.Contains(PaymentFlow.QrCode) || flows.Contains(PaymentFlow.Redirect) || flows.Contains(PaymentFlow.BankTransfer);

    /// <summary>A hash of every parameter except the request id: equal requests have equal fingerprints.</summary>
    public string Fingerprint()
    {
        var canonical = new StringBuilder()
            .Append(Amount.AmountMinor).Append('\n').Append(Amount.Currency.Code).Append('\n')
            .Append(Description).Append('\n')
            .Append(Customer.Type).Append('\n').Append(Customer.Country).Append('\n').Append(Customer.Device).Append('\n')
            .Append(PreferredChannel).Append('\n')
            .Append(ExpireTime?.ToUnixTimeMilliseconds()).Append('\n')
            // Never the card number itself, not even hashed: brand, last four and expiry tell cards apart well enough.
            .Append(Card is null ? "" : $"{Card.Brand}|{Card.Last4}|{Card.ExpMonth}|{Card.ExpYear}|{(Card.Token is null ? "" : "token")}").Append('\n')
            .Append(Payer is null ? "" : string.Join('\u001f', [Payer.Name, Payer.Account, Payer.Bic ?? "", .. Payer.Address])).Append('\n');
        foreach (var (key, value) in Metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            canonical.Append(key.Length).Append(':').Append(key).Append('=').Append(value.Length).Append(':').Append(value).Append('\n');
        }
        if (ReturnUrl is not null)
        {
            // Only when given, so the fingerprints of requests made before return URLs existed stay the same.
            canonical.Append("return_url=").Append(ReturnUrl).Append('\n');
        }
        // Likewise what risk control reads, each only when given.
        if (Customer.Id is not null || Customer.RegisteredLocation is not null || Contact is not null)
        {
            canonical.Append("customer=").Append(Customer.Id).Append('|').Append(Invariant(Customer.RegisteredLocation)).Append('|').Append(Contact).Append('\n');
        }
        if (Customer.Account is not null || Customer.Project is not null)
        {
            canonical.Append("booking=").Append(Customer.Account).Append('|').Append(Customer.Project).Append('\n');
        }
        if (PayerContext is not null)
        {
            canonical.Append("payer=").Append(PayerContext.Ip).Append('|').Append(Invariant(PayerContext.Location)).Append('|').Append(PayerContext.DeviceId).Append('\n');
        }
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())));
    }

    private static string Invariant(GeoPoint? point) => point is null ? "" : FormattableString.Invariant($"{point.Latitude:R},{point.Longitude:R}");
}
