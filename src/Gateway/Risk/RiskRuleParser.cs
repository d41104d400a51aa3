using System.Collections.Frozen;
using System.Text.Json;

namespace Paygate.Gateway.Risk;

/// <summary>
/// Reads a rule set document (docs/risk.md) and compiles it, refusing anything it does not understand with the rule's path and
/// the reason: an unknown section or key, a wrong type, a limit out of range, a bad address, a file that cannot be read. A
/// rule set is put in force whole or not at all.
/// </summary>
public static class RiskRuleParser
{
    private const int MaxFileLines = 2_000_000;

    /// <summary>The compiled rule set; <paramref name="baseDirectory"/> is where relative file names are found.</summary>
    /// <exception cref="RiskRuleException">The document is refused.</exception>
    public static RiskRuleSet Parse(string document, string baseDirectory)
    {
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(document, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new RiskRuleException("", $"is not JSON: {e.Message}");
        }
        using (json)
        {
            var root = Object(json.RootElement, "", ["velocity", "geography", "lists", "sanctions", "customer_levels", "ip_countries"]);
            long entries = 0;
            var ipCountries = IpCountries(root, baseDirectory);
            var set = new RiskRuleSet
            {
                IpCountries = ipCountries,
                CustomerLevels = Levels(root),
            };
            set = Velocity(root, set);
            set = Geography(root, set);
            set = Lists(root, set, baseDirectory, ref entries);
            set = Sanctions(root, set, baseDirectory, ref entries);
            if ((set.IpCountry ?? set.CrossBorder) is not null && ipCountries.Count == 0)
            {
                throw new RiskRuleException(set.IpCountry is not null ? "geography.ip_country" : "geography.cross_border",
                    "needs ip_countries (ranges or a file) to place the payer's IP in a country");
            }
            if (set.CrossBorder is not null && set.DefaultMerchantCountry is null)
            {
                throw new RiskRuleException("geography.cross_border", "needs geography.merchant_countries.default");
            }
            return set with { ListEntries = entries };
        }
    }

    private static RiskRuleSet Velocity(Dictionary<string, JsonElement> root, RiskRuleSet set)
    {
        if (!root.TryGetValue("velocity", out var section))
        {
            return set;
        }
        var v = Object(section, "velocity", ["methods", "count_per_day", "amount_per_day", "declines"]);
        MethodsRule? methods = null;
        if (v.TryGetValue("methods", out var m))
        {
            var o = Object(m, "velocity.methods", ["distinct", "window_seconds", "action"]);
            methods = new MethodsRule(
                (int)Integer(o, "velocity.methods", "distinct", 2, 100, 3),
                TimeSpan.FromSeconds(Integer(o, "velocity.methods", "window_seconds", 1, 86_400, 300)),
                Action(o, "velocity.methods", RiskOutcome.Challenge));
        }
        CountRule? count = null;
        if (v.TryGetValue("count_per_day", out var c))
        {
            var o = Object(c, "velocity.count_per_day", ["max", "action"]);
            count = new CountRule(Integer(o, "velocity.count_per_day", "max", 1, 1_000_000, null), Action(o, "velocity.count_per_day", RiskOutcome.Challenge));
        }
        AmountRule? amount = null;
        if (v.TryGetValue("amount_per_day", out var a))
        {
            var o = Object(a, "velocity.amount_per_day", ["max_minor", "action"]);
            if (!o.TryGetValue("max_minor", out var limits))
            {
                throw new RiskRuleException("velocity.amount_per_day.max_minor", "is required: a limit in minor units per currency, e.g. {\"CNY\": 5000000}");
            }
            var max = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var (currency, limit) in Object(limits, "velocity.amount_per_day.max_minor", null))
            {
                var path = $"velocity.amount_per_day.max_minor.{currency}";
                if (!Adapters.Money.Currency.TryFind(currency, out _))
                {
                    throw new RiskRuleException(path, "is not a currency the gateway takes");
                }
                max[currency] = limit.ValueKind == JsonValueKind.Number && limit.TryGetInt64(out var n) && n > 0
                    ? n : throw new RiskRuleException(path, "must be a positive whole number of minor units");
            }
            amount = new AmountRule(max, Action(o, "velocity.amount_per_day", RiskOutcome.Challenge));
        }
        DeclinesRule? declines = null;
        if (v.TryGetValue("declines", out var d))
        {
            var o = Object(d, "velocity.declines", ["challenge_after", "block_after"]);
            int? challenge = o.ContainsKey("challenge_after") ? (int)Integer(o, "velocity.declines", "challenge_after", 1, 1000, null) : null;
            int? block = o.ContainsKey("block_after") ? (int)Integer(o, "velocity.declines", "block_after", 1, 1000, null) : null;
            if (challenge is null && block is null)
            {
                throw new RiskRuleException("velocity.declines", "needs challenge_after, block_after or both");
            }
            if (challenge is { } ch && block is { } bl && bl <= ch)
            {
                throw new RiskRuleException("velocity.declines.block_after", $"must be more than challenge_after ({ch})");
            }
            declines = new DeclinesRule(challenge, block);
        }
        return set with { Methods = methods, CountPerDay = count, AmountPerDay = amount, Declines = declines };
    }

    private static RiskRuleSet Geography(Dictionary<string, JsonElement> root, RiskRuleSet set)
    {
        if (!root.TryGetValue("geography", out var section))
        {
            return set;
        }
        var g = Object(section, "geography", ["merchant_countries", "ip_country", "distance", "cross_border"]);
        string? defaultCountry = null;
        var merchants = new Dictionary<string, string>(StringComparer.Ordinal);
        if (g.TryGetValue("merchant_countries", out var mc))
        {
            var o = Object(mc, "geography.merchant_countries", ["default", "merchants"]);
            if (o.TryGetValue("default", out var def))
            {
                defaultCountry = Country(def, "geography.merchant_countries.default");
            }
            if (o.TryGetValue("merchants", out var per))
            {
                foreach (var (merchant, country) in Object(per, "geography.merchant_countries.merchants", null))
                {
                    merchants[merchant] = Country(country, $"geography.merchant_countries.merchants.{merchant}");
                }
            }
        }
        DistanceRule? distance = null;
        if (g.TryGetValue("distance", out var dist))
        {
            var o = Object(dist, "geography.distance", ["max_km", "action"]);
            if (!o.TryGetValue("max_km", out var km) || km.ValueKind != JsonValueKind.Number || !km.TryGetDouble(out var maxKm) || maxKm is <= 0 or > 20_038)
            {
                throw new RiskRuleException("geography.distance.max_km", "must be a number of kilometres above 0 and at most 20038 (half the earth's circumference)");
            }
            distance = new DistanceRule(maxKm, Action(o, "geography.distance", RiskOutcome.Challenge));
        }
        return set with
        {
            DefaultMerchantCountry = defaultCountry,
            MerchantCountries = merchants,
            IpCountry = g.TryGetValue("ip_country", out var ip) ? new ActionRule(Action(Object(ip, "geography.ip_country", ["action"]), "geography.ip_country", RiskOutcome.Challenge)) : null,
            Distance = distance,
            CrossBorder = g.TryGetValue("cross_border", out var cb) ? new ActionRule(Action(Object(cb, "geography.cross_border", ["action"]), "geography.cross_border", RiskOutcome.Challenge)) : null,
        };
    }

    private static RiskRuleSet Lists(Dictionary<string, JsonElement> root, RiskRuleSet set, string baseDirectory, ref long entries)
    {
        if (!root.TryGetValue("lists", out var section))
        {
            return set;
        }
        var l = Object(section, "lists", ["customers", "cards", "ips", "countries"]);
        SetRule? Values(string name, Func<string, string, string> check, ref long count)
        {
            if (!l.TryGetValue(name, out var list))
            {
                return null;
            }
            var path = $"lists.{name}";
            var o = Object(list, path, ["entries", "file", "action"]);
            var values = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (text, at) in Entries(o, path, baseDirectory))
            {
                values.Add(check(text, at));
            }
            count += values.Count;
            return new SetRule(values.ToFrozenSet(StringComparer.Ordinal), Action(o, path, RiskOutcome.Block));
        }
        var customers = Values("customers", (t, at) => t.Length is > 0 and <= 128 ? t : throw new RiskRuleException(at, "must be 1 to 128 characters"), ref entries);
        var cards = Values("cards", (t, at) => t.Length is > 0 and <= 128 ? t : throw new RiskRuleException(at, "must be a card fingerprint (1 to 128 characters), never a card number"), ref entries);
        var countries = Values("countries", (t, at) => CountryCode(t, at), ref entries);
        IpListRule? ips = null;
        if (l.TryGetValue("ips", out var ipList))
        {
            var o = Object(ipList, "lists.ips", ["entries", "file", "action"]);
            var ranges = new List<IpRange>();
            foreach (var (text, at) in Entries(o, "lists.ips", baseDirectory))
            {
                ranges.Add(IpRange.TryParse(text, out var range, out var reason) ? range : throw new RiskRuleException(at, reason));
            }
            entries += ranges.Count;
            ips = new IpListRule(IpRangeTable<bool>.Merge(ranges, true), Action(o, "lists.ips", RiskOutcome.Block));
        }
        return set with
        {
            BlockedCustomers = customers,
            BlockedCards = cards,
            BlockedCountries = countries,
            BlockedIps = ips,
        };
    }

    private static RiskRuleSet Sanctions(Dictionary<string, JsonElement> root, RiskRuleSet set, string baseDirectory, ref long entries)
    {
        if (!root.TryGetValue("sanctions", out var section))
        {
            return set;
        }
        var o = Object(section, "sanctions", ["names_file", "names", "threshold", "action"]);
        var names = new List<string>();
        if (o.TryGetValue("names_file", out var file))
        {
            foreach (var (line, number) in FileLines(file, "sanctions.names_file", baseDirectory))
            {
                if (NameMatching.Tokens(line).Length == 0)
                {
                    throw new RiskRuleException("sanctions.names_file", $"line {number}: has no letters or digits");
                }
                names.Add(line);
            }
        }
        if (o.ContainsKey("names"))
        {
            foreach (var (name, at) in Strings(o, "sanctions", "names"))
            {
                names.Add(NameMatching.Tokens(name).Length > 0 ? name : throw new RiskRuleException(at, "has no letters or digits"));
            }
        }
        if (names.Count == 0)
        {
            throw new RiskRuleException("sanctions", "needs names_file or names (the names to screen against)");
        }
        var threshold = 0.92;
        if (o.TryGetValue("threshold", out var t) && (t.ValueKind != JsonValueKind.Number || !t.TryGetDouble(out threshold) || threshold is < 0.7 or > 1))
        {
            throw new RiskRuleException("sanctions.threshold", "must be a number from 0.7 to 1 (1: exact tokens only)");
        }
        var index = new SanctionsIndex(names);
        entries += index.Count;
        return set with
        {
            Sanctions = new SanctionsRule(index, threshold, Action(o, "sanctions", RiskOutcome.Block)),
        };
    }

    private static Dictionary<string, string> Levels(Dictionary<string, JsonElement> root)
    {
        var levels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetValue("customer_levels", out var section))
        {
            foreach (var (customer, level) in Object(section, "customer_levels", null))
            {
                var text = level.ValueKind == JsonValueKind.String ? level.GetString() : null;
                levels[customer] = text is RiskLevels.Normal or RiskLevels.Elevated or RiskLevels.High
                    ? text : throw new RiskRuleException($"customer_levels.{customer}", "must be normal, elevated or high");
            }
        }
        return levels;
    }

    private static IpRangeTable<string> IpCountries(Dictionary<string, JsonElement> root, string baseDirectory)
    {
        if (!root.TryGetValue("ip_countries", out var section))
        {
            return IpRangeTable<string>.Empty;
        }
        var o = Object(section, "ip_countries", ["file", "ranges"]);
        var ranges = new List<(IpRange, string)>();
        if (o.TryGetValue("file", out var file))
        {
            foreach (var (line, number) in FileLines(file, "ip_countries.file", baseDirectory))
            {
                var parts = line.Split(',');
                if (number == 1 && parts[0].Trim().Equals("network", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }
                var at = $"line {number}: ";
                if (parts.Length != 2)
                {
                    throw new RiskRuleException("ip_countries.file", at + "must be network,country (e.g. 203.0.113.0/24,DE)");
                }
                if (!IpRange.TryParse(parts[0].Trim(), out var range, out var reason))
                {
                    throw new RiskRuleException("ip_countries.file", at + reason);
                }
                ranges.Add((range, CountryCode(parts[1].Trim(), "ip_countries.file", at)));
            }
        }
        if (o.TryGetValue("ranges", out var inline))
        {
            foreach (var (network, country) in Object(inline, "ip_countries.ranges", null))
            {
                var path = $"ip_countries.ranges.{network}";
                ranges.Add((IpRange.TryParse(network, out var range, out var reason) ? range : throw new RiskRuleException(path, reason), Country(country, path)));
            }
        }
        var table = IpRangeTable<string>.Build(ranges, out var overlap);
        return overlap is null ? table : throw new RiskRuleException("ip_countries", overlap + ": each address must have one country");
    }

    private static IEnumerable<(string Line, int Number)> FileLines(JsonElement value, string path, string baseDirectory)
    {
        var name = value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new RiskRuleException(path, "must be a file name");
        var root = Path.GetFullPath(baseDirectory);
        var full = Path.GetFullPath(name, root);
        // Only list files in the risk data folder: a rule set names no other file of the host (its keys, its settings), whose
        // lines an error message would otherwise quote back to whoever sent the document.
        if (Path.IsPathRooted(name) || !full.StartsWith(Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            || Path.GetExtension(full) is not (".txt" or ".csv"))
        {
            throw new RiskRuleException(path, "must be a .txt or .csv file named relative to the risk data folder (Risk:BaseDirectory), inside it");
        }
        string[] lines;
        try
        {
            lines = File.ReadAllLines(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new RiskRuleException(path, $"cannot read '{name}': {e.Message}");
        }
        if (lines.Length > MaxFileLines)
        {
            throw new RiskRuleException(path, $"'{name}' has more than {MaxFileLines} lines");
        }
        return lines.Select((l, i) => (Line: l.Trim(), Number: i + 1)).Where(l => l.Line.Length > 0 && !l.Line.StartsWith('#'));
    }

    private static Dictionary<string, JsonElement> Object(JsonElement element, string path, string[]? known)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new RiskRuleException(path, "must be an object");
        }
        var properties = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            var at = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
            if (known is not null && !known.Contains(property.Name))
            {
                throw new RiskRuleException(at, $"is not a known key (known: {string.Join(", ", known)})");
            }
            if (!properties.TryAdd(property.Name, property.Value))
            {
                throw new RiskRuleException(at, "is given twice");
            }
        }
        return properties;
    }

    private static long Integer(Dictionary<string, JsonElement> o, string path, string key, long min, long max, long? fallback)
    {
        if (!o.TryGetValue(key, out var value))
        {
            return fallback ?? throw new RiskRuleException($"{path}.{key}", "is required");
        }
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) && n >= min && n <= max
            ? n : throw new RiskRuleException($"{path}.{key}", $"must be a whole number from {min} to {max}");
    }

    private static RiskOutcome Action(Dictionary<string, JsonElement> o, string path, RiskOutcome fallback)
    {
        if (!o.TryGetValue("action", out var value))
        {
            return fallback;
        }
        return (value.ValueKind == JsonValueKind.String ? value.GetString() : null) switch
        {
            "ALLOW" => RiskOutcome.Allow,
            "CHALLENGE" => RiskOutcome.Challenge,
            "BLOCK" => RiskOutcome.Block,
            _ => throw new RiskRuleException($"{path}.action", "must be ALLOW (note only), CHALLENGE or BLOCK"),
        };
    }

    /// <summary>A list's entries: inline (<c>entries</c>), from a file of one entry a line (<c>file</c>), or both; at least one.</summary>
    private static IEnumerable<(string Text, string Path)> Entries(Dictionary<string, JsonElement> o, string path, string baseDirectory)
    {
        if (!o.ContainsKey("entries") && !o.ContainsKey("file"))
        {
            throw new RiskRuleException($"{path}.entries", "is required (or file)");
        }
        var inline = o.ContainsKey("entries") ? Strings(o, path) : [];
        var fromFile = o.TryGetValue("file", out var file)
            ? FileLines(file, $"{path}.file", baseDirectory).Select(l => (l.Line, $"{path}.file line {l.Number}"))
            : [];
        return inline.Concat(fromFile);
    }

    private static IEnumerable<(string Text, string Path)> Strings(Dictionary<string, JsonElement> o, string path, string key = "entries")
    {
        if (!o.TryGetValue(key, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw new RiskRuleException($"{path}.{key}", "must be an array of strings");
        }
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            var at = $"{path}.{key}[{i++}]";
            yield return (item.ValueKind == JsonValueKind.String ? item.GetString()! : throw new RiskRuleException(at, "must be a string"), at);
        }
    }

    private static string Country(JsonElement value, string path) =>
        CountryCode(value.ValueKind == JsonValueKind.String ? value.GetString()! : "", path);

    private static string CountryCode(string text, string path, string prefix = "") =>
        text.Length == 2 && char.IsAsciiLetterUpper(text[0]) && char.IsAsciiLetterUpper(text[1])
            ? text : throw new RiskRuleException(path, $"{prefix}must be an ISO 3166 alpha-2 country code in capitals, e.g. CN (got '{text}')");
}
