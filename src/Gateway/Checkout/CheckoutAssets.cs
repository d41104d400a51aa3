using System.Security.Cryptography;

namespace Paygate.Gateway.Checkout;

/// <summary>The page's script and style sheet, embedded in the gateway and served by it (nothing fetched from elsewhere).</summary>
public static class CheckoutAssets
{
    private static readonly IReadOnlyDictionary<string, (byte[] Body, string ContentType, string ETag)> Files = new Dictionary<string, (byte[], string, string)>(StringComparer.Ordinal)
    {
        ["checkout.js"] = Load("checkout.js", "text/javascript; charset=utf-8"),
        ["checkout.css"] = Load("checkout.css", "text/css; charset=utf-8"),
    };

    public static IResult Serve(string name, HttpContext http)
    {
        if (!Files.TryGetValue(name, out var file))
        {
            return Results.NotFound();
        }
        http.Response.Headers.CacheControl = "public, max-age=3600";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.ETag = file.ETag;
        if (http.Request.Headers.IfNoneMatch == file.ETag)
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }
        return Results.Bytes(file.Body, file.ContentType);
    }

    private static (byte[], string, string) Load(string name, string contentType)
    {
        using var stream = typeof(CheckoutAssets).Assembly.GetManifestResourceStream("Paygate.Gateway.Checkout.Assets." + name)
            ?? throw new InvalidOperationException($"the checkout asset {name} is not embedded");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var body = copy.ToArray();
        return (body, contentType, $"\"{Convert.ToHexStringLower(SHA256.HashData(body))[..16]}\"");
    }
}
