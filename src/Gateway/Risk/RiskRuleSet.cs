namespace Paygate.Gateway.Risk;

/// <summary>
/// A rule set compiled for deciding: hash sets, sorted range tables and a name index, built once when a version is put in force
/// and then only read (any number of threads at once, without a lock). A section left out of the document is a rule that is off.
/// </summary>
public sealed record RiskRuleSet
{
    /// <summary>The rule set that allows everything (the document <c>{}</c>).</summary>
    public static RiskRuleSet AllowAll { get; } = new();

    public MethodsRule? Methods { get; init; }
    public CountRule? CountPerDay { get; init; }
    public AmountRule? AmountPerDay { get; init; }
    public DeclinesRule? Declines { get; init; }

    /// <summary>The country each merchant sells from (its override, else the default), for <c>geo.cross_border</c>.</summary>
    public string? DefaultMerchantCountry { get; init; }
    public IReadOnlyDictionary<string, string> MerchantCountries { get; init; } = new Dictionary<string, string>();
    public ActionRule? IpCountry { get; init; }
    public DistanceRule? Distance { get; init; }
    public ActionRule? CrossBorder { get; init; }

    public SetRule? BlockedCustomers { get; init; }
    public SetRule? BlockedCards { get; init; }
    public IpListRule? BlockedIps { get; init; }
    public SetRule? BlockedCountries { get; init; }
    public SanctionsRule? Sanctions { get; init; }

    /// <summary>Customer id to <see cref="RiskLevels"/>; a customer not named is <c>normal</c>.</summary>
    public IReadOnlyDictionary<string, string> CustomerLevels { get; init; } = new Dictionary<string, string>();

    /// <summary>Where an IP address is (country code per range), offline.</summary>
    public IpRangeTable<string> IpCountries { get; init; } = IpRangeTable<string>.Empty;

    /// <summary>How many entries the lists hold in all (customers, cards, IPs and ranges, countries, sanctioned names).</summary>
    public long ListEntries { get; init; }

    public string MerchantCountry(string merchantId) => MerchantCountries.TryGetValue(merchantId, out var c) ? c : DefaultMerchantCountry ?? "";
}

/// <summary>A rule that only says what to do when its condition holds.</summary>
public sealed record ActionRule(RiskOutcome Action);

/// <summary><c>velocity.methods</c>: <paramref name="Distinct"/> or more payment methods within <paramref name="Window"/>.</summary>
public sealed record MethodsRule(int Distinct, TimeSpan Window, RiskOutcome Action);

/// <summary><c>velocity.count_per_day</c>: more than <paramref name="Max"/> payments in a UTC day.</summary>
public sealed record CountRule(long Max, RiskOutcome Action);

/// <summary><c>velocity.amount_per_day</c>: more than the limit of the payment's currency (minor units) in a UTC day.</summary>
public sealed record AmountRule(IReadOnlyDictionary<string, long> MaxMinor, RiskOutcome Action);

/// <summary><c>velocity.declines</c>: this many declines in a row challenge, or block.</summary>
public sealed record DeclinesRule(int? ChallengeAfter, int? BlockAfter);

/// <summary><c>geo.distance</c>: the payer farther than <paramref name="MaxKm"/> from the customer's registered address.</summary>
public sealed record DistanceRule(double MaxKm, RiskOutcome Action);

/// <summary>A list of values (customers, card fingerprints, country codes) and what to do when one is met.</summary>
public sealed record SetRule(IReadOnlySet<string> Entries, RiskOutcome Action);

/// <summary>Listed IPs and CIDR blocks, joined into ranges.</summary>
public sealed record IpListRule(IpRangeTable<bool> Ranges, RiskOutcome Action);

/// <summary><c>sanctions.name</c>: the payer account holder's name at least <paramref name="Threshold"/> like a listed name.</summary>
public sealed record SanctionsRule(SanctionsIndex Names, double Threshold, RiskOutcome Action);
