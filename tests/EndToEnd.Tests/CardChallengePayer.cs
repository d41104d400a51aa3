namespace Paygate.EndToEnd.Tests;

/// <summary>What a payer's browser does on the card acquirer's 3-D Secure challenge page.</summary>
public static class CardChallengePayer
{
    /// <summary>Opens the challenge page and presses <paramref name="action"/> (<c>complete</c> or <c>cancel</c>) on it.</summary>
    public static async Task AnswerAsync(string url, string action)
    {
        using var browser = new HttpClient();
        var page = await browser.GetStringAsync(new Uri(url));
        Assert.Contains($"value=\"{action}\"", page, StringComparison.Ordinal);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["action"] = action });
        using var answer = await browser.PostAsync(new Uri(url), form);
        answer.EnsureSuccessStatusCode();
    }
}
