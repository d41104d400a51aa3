using System.Text;

namespace Paygate.Gateway.Webhooks;

/// <summary>
/// The start of an endpoint's answer, kept with a failed try so that a merchant sees why their endpoint refused.
/// At most <see cref="WebhookConnections.MaxResponseBytes"/> are read, within the try's timeout, however much the
/// endpoint sends or however slowly; at most <see cref="MaxChars"/> characters are kept, control characters blanked.
/// </summary>
internal static class WebhookAnswerExcerpt
{
    public const int MaxChars = 200;

    public static async Task<string> ReadAsync(HttpContent content, CancellationToken timeout, CancellationToken stopping)
    {
        var buffer = new byte[WebhookConnections.MaxResponseBytes];
        var length = 0;
        try
        {
            await using var stream = await content.ReadAsStreamAsync(timeout);
            int read;
            while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), timeout)) > 0)
            {
                length += read;
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException || (ex is OperationCanceledException && !stopping.IsCancellationRequested))
        {
            // A body cut off or too slow: the status was the answer, and what came so far is kept.
        }
        var text = new StringBuilder(Encoding.UTF8.GetString(buffer, 0, length));
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsControl(text[i]))
            {
                text[i] = ' ';
            }
        }
        var kept = text.ToString().Trim();
        if (kept.Length <= MaxChars)
        {
            return kept;
        }
        var cut = char.IsHighSurrogate(kept[MaxChars - 1]) ? MaxChars - 1 : MaxChars;
        return string.Concat(kept.AsSpan(0, cut), "…");
    }
}
