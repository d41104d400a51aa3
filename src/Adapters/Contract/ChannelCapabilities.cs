using Paygate.Adapters.Money;

namespace Paygate.Adapters.Contract;

/// <summary>The payment flows a channel can run.</summary>
public enum PaymentFlow
{
    /// <summary>The payer scans a QR code the merchant shows.</summary>
    QrCode,
    /// <summary>The merchant scans the payer's barcode.</summary>
    Barcode,
    /// <summary>The payer's browser is redirected to the network.</summary>
    Redirect,
    /// <summary>The payer pushes a bank transfer.</summary>
    BankTransfer,
    /// <summary>A card is authorised and captured.</summary>
    Card,
    /// <summary>The gateway instructs a credit transfer from the payer's account (SWIFT MT103): needs the payer's account.</summary>
    CreditTransfer,
}

/// <summary>The inclusive amount limits of a channel for one currency, in minor units.</summary>
public sealed record AmountLimits(long MinMinor, long MaxMinor);

/// <summary>What a channel can take: routing and validation read this before any network call.</summary>
public sealed record ChannelCapabilities
{
    public required IReadOnlyDictionary<Currency, AmountLimits> Currencies { get; init; }
    public required IReadOnlySet<PaymentFlow> Flows { get; init; }
    /// <summary>How long after payment the merchant is credited, as the network promises it.</summary>
    public TimeSpan SettlementTime { get; init; } = TimeSpan.FromDays(1);
    public bool SupportsQuery { get; init; }
    public bool SupportsClose { get; init; }
    public bool SupportsRefund { get; init; }

    /// <summary>Why the channel cannot take this amount, or null when it can.</summary>
    public string? RefusalFor(Money.Money amount)
    {
        if (!Currencies.TryGetValue(amount.Currency, out var limits))
        {
            return $"the channel does not accept {amount.Currency.Code}";
        }
        if (amount.AmountMinor < limits.MinMinor)
        {
            return $"the channel's minimum is {new Money.Money(limits.MinMinor, amount.Currency)}";
        }
        if (amount.AmountMinor > limits.MaxMinor)
        {
            return $"the channel's maximum is {new Money.Money(limits.MaxMinor, amount.Currency)}";
        }
        return null;
    }
}
