using System.Globalization;
using System.Net;
using static Paygate.Gateway.Risk.RiskEngine;

namespace Paygate.Gateway.Risk;

/// <summary>The rules, one check each, in the order they are reported; each adds a hit with what it saw and the limit.</summary>
internal static class RiskChecks
{
    public static void Lists(RiskRuleSet rules, RiskRequest request, IPAddress? ip, string? ipCountry, List<RiskRuleHit> hits)
    {
        if (rules.BlockedCustomers is { } customers && request.Customer.Id is { } id && customers.Entries.Contains(id))
        {
            hits.Add(Hit("lists.customer", customers.Action, "the customer is on the blocked customers list", ("customer_id", id)));
        }
        if (rules.BlockedCards is { } cards && request.CardFingerprint is { } fingerprint && cards.Entries.Contains(fingerprint))
        {
            hits.Add(Hit("lists.card", cards.Action, "the card is on the blocked cards list", ("card_fingerprint", fingerprint)));
        }
        if (rules.BlockedIps is { } ips && ip is not null && ips.Ranges.TryFind(ip, out var range, out _))
        {
            hits.Add(Hit("lists.ip", ips.Action, "the payer's IP is on the blocked IPs list", ("ip", ip.ToString()), ("listed", range.ToString())));
        }
        if (rules.BlockedCountries is { } countries)
        {
            if (request.Customer.Country is { Length: > 0 } country && countries.Entries.Contains(country))
            {
                hits.Add(Hit("lists.country", countries.Action, "the customer's country is on the high-risk countries list",
                    ("country", country), ("source", "customer.country")));
            }
            if (ipCountry is not null && ipCountry != request.Customer.Country && countries.Entries.Contains(ipCountry))
            {
                hits.Add(Hit("lists.country", countries.Action, "the payer's IP is in a country on the high-risk countries list",
                    ("country", ipCountry), ("source", "payer.ip"), ("ip", ip!.ToString())));
            }
        }
    }

    public static void Sanctions(RiskRuleSet rules, RiskRequest request, List<RiskRuleHit> hits)
    {
        if (rules.Sanctions is { } sanctions && request.BankAccount?.Name is { Length: > 0 } name
            && sanctions.Names.BestMatch(name, sanctions.Threshold) is { } match)
        {
            hits.Add(Hit("sanctions.name", sanctions.Action, "the payer account holder's name is like a listed name",
                ("name", name), ("listed_name", match.Name), ("score", Format(match.Score)), ("threshold", Format(sanctions.Threshold))));
        }
    }

    public static void Velocity(RiskRuleSet rules, VelocityWindows windows, RiskRequest request, List<(string Kind, string Key)> keys, List<RiskRuleHit> hits)
    {
        if (keys.Count == 0)
        {
            return;
        }
        if (rules.Methods is { } methods)
        {
            foreach (var (kind, key) in keys)
            {
                var used = windows.MethodsWithin(key, request.Now, methods.Window, request.Method);
                if (used.Count >= methods.Distinct)
                {
                    hits.Add(Hit("velocity.methods", methods.Action, $"the same {kind} used {used.Count} payment methods within {Seconds(methods.Window)}",
                        ("key", kind), ("distinct_methods", Number(used.Count)), ("methods", string.Join(',', used)),
                        ("window", Seconds(methods.Window)), ("limit", Number(methods.Distinct))));
                    break;
                }
            }
        }
        var customer = keys.FirstOrDefault(k => k.Kind == VelocityKeys.Customer).Key;
        if (customer is not null && (rules.CountPerDay ?? (object?)rules.AmountPerDay) is not null)
        {
            var currency = request.Amount.Currency.Code;
            var (count, amount) = windows.Today(customer, request.Now, currency);
            if (rules.CountPerDay is { } perDay && count + 1 > perDay.Max)
            {
                hits.Add(Hit("velocity.count_per_day", perDay.Action, $"the customer's payment number {count + 1} today, more than {perDay.Max}",
                    ("payments_today", Number(count + 1)), ("max", Number(perDay.Max))));
            }
            if (rules.AmountPerDay is { } amountRule && amountRule.MaxMinor.TryGetValue(currency, out var max) && amount + request.Amount.AmountMinor > max)
            {
                hits.Add(Hit("velocity.amount_per_day", amountRule.Action, $"the customer's payments today come to {amount + request.Amount.AmountMinor} {currency} minor units, more than {max}",
                    ("amount_today_minor", Number(amount + request.Amount.AmountMinor)), ("currency", currency), ("max_minor", Number(max))));
            }
        }
        if (rules.Declines is { } declines)
        {
            var (worstKind, worst) = ("", 0);
            foreach (var (kind, key) in keys)
            {
                var inRow = windows.DeclinesInRow(key);
                if (inRow > worst)
                {
                    (worstKind, worst) = (kind, inRow);
                }
            }
            var action = declines.BlockAfter is { } b && worst >= b ? RiskOutcome.Block
                : declines.ChallengeAfter is { } c && worst >= c ? RiskOutcome.Challenge
                : (RiskOutcome?)null;
            if (action is { } a)
            {
                hits.Add(Hit("velocity.declines", a, $"the {worstKind}'s last {worst} payments were declined",
                    ("key", worstKind), ("declines_in_row", Number(worst)),
                    ("challenge_after", declines.ChallengeAfter is { } ca ? Number(ca) : ""), ("block_after", declines.BlockAfter is { } ba ? Number(ba) : "")));
            }
        }
    }

    public static void Geography(RiskRuleSet rules, RiskRequest request, IPAddress? ip, string? ipCountry, List<RiskRuleHit> hits)
    {
        var customerCountry = request.Customer.Country;
        if (rules.IpCountry is { } ipRule && ipCountry is not null && customerCountry.Length > 0 && ipCountry != customerCountry)
        {
            hits.Add(Hit("geo.ip_country", ipRule.Action, $"the payer's IP is in {ipCountry}, the customer's country is {customerCountry}",
                ("ip", ip!.ToString()), ("ip_country", ipCountry), ("customer_country", customerCountry)));
        }
        if (rules.Distance is { } distance && request.Payer?.Location is { } at && request.Customer.RegisteredLocation is { } home)
        {
            var km = at.DistanceKmTo(home);
            if (km > distance.MaxKm)
            {
                hits.Add(Hit("geo.distance", distance.Action, $"the payer is {Format(Math.Round(km, 1))} km from the registered address, more than {Format(distance.MaxKm)} km",
                    ("distance_km", Format(Math.Round(km, 1))), ("max_km", Format(distance.MaxKm))));
            }
        }
        if (rules.CrossBorder is { } crossBorder && ipCountry is not null && rules.MerchantCountry(request.MerchantId) is { Length: > 0 } merchantCountry
            && ipCountry != merchantCountry)
        {
            hits.Add(Hit("geo.cross_border", crossBorder.Action, $"the payer is in {ipCountry}, the merchant in {merchantCountry}",
                ("ip", ip!.ToString()), ("payer_country", ipCountry), ("merchant_country", merchantCountry)));
        }
    }

    private static RiskRuleHit Hit(string rule, RiskOutcome action, string reason, params (string Key, string Value)[] inputs) =>
        new(rule, action, reason, inputs.ToDictionary(i => i.Key, i => i.Value, StringComparer.Ordinal));

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan window) => Number((long)window.TotalSeconds) + "s";
}
