using Paygate.Cli.Failures;

namespace Paygate.Cli;

/// <summary>The gateway's gRPC address as the user gave it (or the default), checked to be an http:// or https:// URI.</summary>
public static class GatewayAddress
{
    public static Uri Resolve(string? given)
    {
        var text = string.IsNullOrWhiteSpace(given) ? GlobalOptions.DefaultAddress : given.Trim();
        if (!Uri.TryCreate(text, UriKind.Absolute, out var address) || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException($"--address must be the gateway's http:// or https:// URI, e.g. {GlobalOptions.DefaultAddress} (got '{text}')");
        }
        return address;
    }

    /// <summary>The address to name in a message: the given one when it can be read, else the default.</summary>
    public static string Describe(string? given) => string.IsNullOrWhiteSpace(given) ? GlobalOptions.DefaultAddress : given.Trim();
}
