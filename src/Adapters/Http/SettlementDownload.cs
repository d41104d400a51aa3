using Paygate.Adapters.Contract;

namespace Paygate.Adapters.Http;

/// <summary>Downloads a settlement file whole, as bytes (a zip is not text); any failure is a <see cref="SettlementFetchException"/>.</summary>
internal static class SettlementDownload
{
    public static async Task<(byte[] Body, string Name)> BytesAsync(HttpClient client, Uri url, TimeSpan timeout, CancellationToken cancellationToken,
        Action<HttpRequestMessage>? sign = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url).WithRetry(HttpRetry.Transient);
            sign?.Invoke(request);
            using var response = await client.SendAsync(request, deadline.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw new SettlementFetchException($"the download answered HTTP {(int)response.StatusCode}");
            }
            var body = await response.Content.ReadAsByteArrayAsync(deadline.Token);
            var name = response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"')
                ?? Uri.UnescapeDataString(url.Segments[^1]);
            return (body, name);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new SettlementFetchException($"the download failed: {ex.Message}");
        }
    }
}
