using System.Net;
using System.Net.Sockets;
using Paygate.Gateway.Security;

namespace Paygate.Gateway.Webhooks;

/// <summary>
/// Where a webhook may go, so that a merchant cannot aim the gateway at our own network or the cloud's (server-side
/// request forgery). Checked when an endpoint is registered, and again at every delivery on the addresses actually
/// connected to (<see cref="WebhookConnections"/>), since a name's DNS answer can change in between. Live: https only,
/// public addresses only. Sandbox: http too, and loopback, so that a developer can try a local receiver; private,
/// link-local (cloud metadata) and other non-public ranges stay refused there as well.
/// </summary>
public sealed class WebhookAddressPolicy
{
    /// <summary>How long registration waits for DNS; a delivery's own timeout bounds its lookup.</summary>
    private static readonly TimeSpan RegistrationLookupTimeout = TimeSpan.FromSeconds(5);

    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve;

    public WebhookAddressPolicy(GatewayEnvironment environment)
        : this(environment, Dns.GetHostAddressesAsync)
    {
    }

    /// <summary>With a resolver of one's own: tests play DNS answers that change between registration and delivery.</summary>
    internal WebhookAddressPolicy(GatewayEnvironment environment, Func<string, CancellationToken, Task<IPAddress[]>> resolve)
    {
        IsSandbox = environment.IsSandbox;
        _resolve = resolve;
    }

    public bool IsSandbox { get; }

    private string AllowedAddresses => IsSandbox ? "public or loopback addresses only" : "public addresses only";

    /// <summary>Why a URL may not be registered, or null when it may: its form, then every address its host resolves to now.</summary>
    public async Task<string?> RefusalAsync(Uri url, CancellationToken cancellationToken)
    {
        if (FormRefusal(url) is { } form)
        {
            return form;
        }
        using var lookup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        lookup.CancelAfter(RegistrationLookupTimeout);
        try
        {
            await VetAsync(url.IdnHost, lookup.Token);
            return null;
        }
        catch (WebhookAddressRefusedException ex)
        {
            return ex.Message;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"its host '{url.IdnHost}' did not resolve within {RegistrationLookupTimeout.TotalSeconds:0} s";
        }
    }

    /// <summary>Why the form of a URL is refused (scheme, user info, fragment), or null when it is fine.</summary>
    public string? FormRefusal(Uri url)
    {
        if (!url.IsAbsoluteUri)
        {
            return "must be an absolute URL";
        }
        if (url.Scheme != Uri.UriSchemeHttps && !(IsSandbox && url.Scheme == Uri.UriSchemeHttp))
        {
            return IsSandbox ? "must be an http or https URL" : "must be an https URL";
        }
        if (url.UserInfo.Length > 0 || url.Fragment.Length > 0)
        {
            return "must not carry user info or a fragment";
        }
        return null;
    }

    /// <summary>Why a webhook may not connect to <paramref name="address"/>, or null when it may.</summary>
    public string? AddressRefusal(IPAddress address) =>
        NonPublicAddresses.RangeOf(address) switch
        {
            null => null,
            { IsLoopback: true } when IsSandbox => null,
            var range => $"a {range.Kind} address",
        };

    /// <summary>
    /// The addresses of <paramref name="host"/> (a name or an IP literal), every one allowed; otherwise throws
    /// <see cref="WebhookAddressRefusedException"/>. One refused address refuses the host, since which one a connection
    /// would take is not ours to choose. For a name, the reason does not say which address it resolved to: our resolver
    /// may know names of our own network, and a merchant should not learn them from us.
    /// </summary>
    public async Task<IPAddress[]> VetAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            return AddressRefusal(literal) is { } why
                ? throw new WebhookAddressRefusedException($"its host {literal} is {why}; webhooks go to {AllowedAddresses}")
                : [literal];
        }
        IPAddress[] addresses;
        try
        {
            // WaitAsync: a resolver that does not honour cancellation still cannot hold a try past its timeout.
            addresses = await _resolve(host, cancellationToken).WaitAsync(cancellationToken);
        }
        catch (SocketException)
        {
            addresses = [];
        }
        if (addresses.Length == 0)
        {
            throw new WebhookAddressRefusedException($"its host '{host}' does not resolve");
        }
        if (addresses.Any(a => AddressRefusal(a) is not null))
        {
            throw new WebhookAddressRefusedException($"its host '{host}' resolves to a non-public address; webhooks go to {AllowedAddresses}");
        }
        return addresses;
    }
}

/// <summary>A webhook address the policy refuses; the message is the reason, fit for the merchant to read.</summary>
public sealed class WebhookAddressRefusedException(string reason) : Exception(reason);
