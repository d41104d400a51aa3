using Paygate.Gateway.Risk;

namespace Paygate.Gateway.Tests.Risk;

public sealed class SanctionsIndexTests
{
    [Theory]
    [InlineData("MARTHA", "MARHTA", 0.961)]
    [InlineData("DWAYNE", "DUANE", 0.84)]
    [InlineData("DIXON", "DICKSONX", 0.813)]
    public void JaroWinkler_MatchesTheTextbookValues(string a, string b, double expected)
    {
        Assert.Equal(expected, NameMatching.JaroWinkler(a, b), 3);
    }

    [Fact]
    public void Tokens_FoldAccentsCaseAndPunctuation()
    {
        Assert.Equal(["jose", "o", "brien", "nunez"], NameMatching.Tokens("José O'Brien-NÚÑEZ"));
    }

    [Theory]
    [InlineData("Abdul Rahman Al-Tamimi", true)]
    [InlineData("AL TAMIMI, Abdul Rahman", true)]
    [InlineData("Abdul Rahmann Al Tamimy", true)]
    [InlineData("Abdel Rahman", false)]
    [InlineData("Rahman Trading Co", false)]
    [InlineData("Maria Gonzalez", false)]
    public void BestMatch_FindsListedNamesDespiteSpellingAndOrder(string name, bool listed)
    {
        var index = new SanctionsIndex(["Abdul Rahman Al-Tamimi", "Golden Crescent Exchange", "Ivan Petrovich Sidorenko"]);

        Assert.Equal(listed, index.BestMatch(name, 0.9) is not null);
    }

    [Fact]
    public void BestMatch_AmongAHundredThousandNames_FindsTheNearOne()
    {
        var random = new Random(11);
        string Word() => new([.. Enumerable.Range(0, random.Next(4, 9)).Select(_ => (char)('a' + random.Next(26)))]);
        var names = Enumerable.Range(0, 100_000).Select(_ => $"{Word()} {Word()} {Word()}").ToList();
        names.Add("Viktor Anatolyevich Borisov");
        var index = new SanctionsIndex(names);

        var match = index.BestMatch("Borisov Viktor Anatolievich", 0.9);

        Assert.Equal("Viktor Anatolyevich Borisov", match?.Name);
        Assert.Null(index.BestMatch("Jane Mary Smith", 0.9));
    }
}
