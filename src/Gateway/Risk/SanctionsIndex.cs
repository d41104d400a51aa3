namespace Paygate.Gateway.Risk;

/// <summary>
/// Listed names indexed by their tokens, so that screening one name looks at the few listed names that share a similar token
/// instead of every one of 100,000. A token is found under two keys (its first and second letter, its first and third), and a
/// query token probes both of its own: a typo or a swap after the first letter still meets its listed form. A different
/// first letter is not looked for (Jaro-Winkler weighs the start of a token most anyway).
/// </summary>
public sealed class SanctionsIndex
{
    /// <summary>How alike a token must be to a listed token for its names to be looked at, below the name threshold.</summary>
    private const double TokenSlack = 0.12;

    private readonly string[] _names;
    private readonly string[][] _tokens;
    private readonly Dictionary<string, int[]> _postings;
    private readonly Dictionary<int, string[]> _vocabulary;

    public SanctionsIndex(IEnumerable<string> names)
    {
        _names = [.. names.Where(n => NameMatching.Tokens(n).Length > 0).Distinct(StringComparer.Ordinal)];
        _tokens = [.. _names.Select(NameMatching.Tokens)];
        var postings = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < _tokens.Length; i++)
        {
            foreach (var token in _tokens[i].Distinct(StringComparer.Ordinal))
            {
                if (!postings.TryGetValue(token, out var list))
                {
                    postings[token] = list = [];
                }
                list.Add(i);
            }
        }
        _postings = postings.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
        _vocabulary = postings.Keys
            .SelectMany(t => Keys(t).Select(k => (Key: k, Token: t)))
            .GroupBy(p => p.Key)
            .ToDictionary(g => g.Key, g => g.Select(p => p.Token).Distinct(StringComparer.Ordinal).ToArray());
    }

    /// <summary>How many names are listed.</summary>
    public int Count => _names.Length;

    private static IEnumerable<int> Keys(string token)
    {
        if (token.Length == 1)
        {
            yield return token[0];
            yield break;
        }
        yield return token[0] << 16 | token[1];
        if (token.Length > 2)
        {
            yield return token[0] << 16 | token[2];
        }
    }

    /// <summary>The listed name most like <paramref name="name"/> if it scores at least <paramref name="threshold"/>.</summary>
    public (string Name, double Score)? BestMatch(string name, double threshold)
    {
        var query = NameMatching.Tokens(name);
        if (query.Length == 0 || _names.Length == 0)
        {
            return null;
        }
        var candidates = new HashSet<int>();
        var tokenFloor = threshold - TokenSlack;
        foreach (var token in query)
        {
            foreach (var key in Keys(token))
            {
                if (!_vocabulary.TryGetValue(key, out var listed))
                {
                    continue;
                }
                foreach (var other in listed)
                {
                    if (Math.Abs(other.Length - token.Length) <= 3 && NameMatching.JaroWinkler(token, other) >= tokenFloor)
                    {
                        candidates.UnionWith(_postings[other]);
                    }
                }
            }
        }
        (string, double)? best = null;
        foreach (var index in candidates)
        {
            var score = NameMatching.Similarity(query, _tokens[index]);
            if (score >= threshold && (best is null || score > best.Value.Item2))
            {
                best = (_names[index], score);
            }
        }
        return best;
    }
}
