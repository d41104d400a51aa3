using System.Net;
using System.Net.Sockets;

namespace Paygate.Gateway.Webhooks;

/// <summary>
/// The webhook client's handler. It resolves each endpoint's host itself, refuses the connection when any address is
/// one the <see cref="WebhookAddressPolicy"/> refuses, and connects to the very addresses it vetted: a name whose DNS
/// answer turned to loopback, private or metadata addresses after registration (DNS rebinding) gets nothing from us.
/// TLS still checks the certificate against the URL's host name, since the handler, not this callback, does TLS.
/// </summary>
internal static class WebhookConnections
{
    /// <summary>How much of an answer's body is read at most (the excerpt kept, and draining for connection reuse).</summary>
    public const int MaxResponseBytes = 4 * 1024;

    public static SocketsHttpHandler CreateHandler(WebhookAddressPolicy policy) => new()
    {
        // Merchant endpoints answer 2xx to acknowledge; a redirect is not an acknowledgement and is not followed.
        AllowAutoRedirect = false,
        // A proxy would make the connection for us, to addresses this check never sees.
        UseProxy = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        // Disposing a partly read answer drains at most this much before the connection is dropped, not the default 1 MiB.
        MaxResponseDrainSize = MaxResponseBytes,
        ConnectCallback = (context, cancellationToken) => ConnectAsync(policy, context.DnsEndPoint, cancellationToken),
    };

    private static async ValueTask<Stream> ConnectAsync(WebhookAddressPolicy policy, DnsEndPoint endpoint, CancellationToken cancellationToken)
    {
        var addresses = await policy.VetAsync(endpoint.Host, cancellationToken);
        SocketException? last = null;
        foreach (var address in addresses)
        {
            Socket? socket = null;
            try
            {
                socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(new IPEndPoint(address, endpoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket?.Dispose();
                last = ex;
            }
            catch
            {
                socket?.Dispose();
                throw;
            }
        }
        throw last!;
    }
}
