namespace Paygate.Gateway.Routing;

/// <summary>Routing rules (section <c>Routing</c>): evaluated top-down, the first match wins, then the default order.</summary>
public sealed class RoutingOptions
{
    public const string Section = "Routing";

    public List<RoutingRule> Rules { get; set; } = [];

    /// <summary>The order of channels no rule placed, before health reorders equals.</summary>
    public List<string> DefaultOrder { get; set; } = [];
}

/// <summary>One rule: when the payment matches, try these channels first, in this order.</summary>
public sealed class RoutingRule
{
    public string Name { get; set; } = "";
    public RoutingCondition When { get; set; } = new();
    public List<string> Channels { get; set; } = [];
}

/// <summary>What a rule matches; every given condition must hold, absent ones match anything.</summary>
public sealed class RoutingCondition
{
    /// <summary>ISO 4217 code.</summary>
    public string? Currency { get; set; }
    /// <summary>Inclusive lower bound, in minor units.</summary>
    public long? MinAmountMinor { get; set; }
    /// <summary>Inclusive upper bound, in minor units.</summary>
    public long? MaxAmountMinor { get; set; }
    /// <summary><c>personal</c> or <c>enterprise</c>.</summary>
    public string? CustomerType { get; set; }
    /// <summary>ISO 3166-1 alpha-2.</summary>
    public string? Country { get; set; }
    /// <summary><c>pc</c>, <c>mobile</c> or <c>enterprise</c>.</summary>
    public string? Device { get; set; }
    /// <summary><c>card</c> when the payer gave a card, <c>wallet</c> otherwise.</summary>
    public string? PaymentMethod { get; set; }

    public bool Matches(Payments.CreatePaymentCommand payment) =>
        (Currency is null || Currency == payment.Amount.Currency.Code)
        && (MinAmountMinor is null || payment.Amount.AmountMinor >= MinAmountMinor)
        && (MaxAmountMinor is null || payment.Amount.AmountMinor <= MaxAmountMinor)
        && (CustomerType is null || CustomerType == payment.Customer.Type)
        && (Country is null || Country == payment.Customer.Country)
        && (Device is null || Device == payment.Customer.Device)
        && (PaymentMethod is null || PaymentMethod == (payment.Card is null ? "wallet" : "card"));
}
