using System.Net;

namespace Paygate.Gateway.Security;

/// <summary>
/// An address Kestrel is told to listen on (<c>scheme://host:port</c>, as Kestrel reads it), seen only for what the
/// plaintext guard asks: is it TLS, and can anything but this machine reach it.
/// </summary>
internal sealed record ListenAddress(string Scheme, string Host, string Port, bool IsLocalSocket)
{
    public bool IsTls => Scheme.Equals("https", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Only this machine can connect: <c>localhost</c> (Kestrel binds it to the loopback addresses only), a loopback IP, a
    /// Unix socket or a named pipe. <c>0.0.0.0</c>, <c>[::]</c>, <c>*</c>, <c>+</c> and any other host name bind every interface.
    /// </summary>
    public bool IsLoopbackOnly
    {
        get
        {
            if (IsLocalSocket || Host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
            if (!IPAddress.TryParse(Host.TrimStart('[').TrimEnd(']'), out var ip))
            {
                return false;
            }
            return IPAddress.IsLoopback(ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip);
        }
    }

    /// <summary>
    /// Splits a URL the way Kestrel's own binding does: anything before <c>://</c> is the scheme, <c>unix:</c> and
    /// <c>pipe:</c> name local sockets, and the host runs to the last colon (an IPv6 host is in brackets).
    /// </summary>
    public static ListenAddress Parse(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        var scheme = schemeEnd < 0 ? "" : url[..schemeEnd];
        var rest = schemeEnd < 0 ? url : url[(schemeEnd + 3)..];
        if (rest.StartsWith("unix:", StringComparison.OrdinalIgnoreCase) || rest.StartsWith("pipe:", StringComparison.OrdinalIgnoreCase))
        {
            return new ListenAddress(scheme, rest[..4], "", IsLocalSocket: true);
        }
        var authority = rest.Split('/', 2)[0];
        // Kestrel has no use for user information; it is dropped so that it is never repeated in a message.
        authority = authority[(authority.LastIndexOf('@') + 1)..];
        var hostEnd = authority.StartsWith('[') ? authority.IndexOf(']') + 1 : authority.LastIndexOf(':');
        if (hostEnd <= 0 || hostEnd > authority.Length)
        {
            hostEnd = authority.Length;
        }
        var port = authority[hostEnd..].TrimStart(':');
        return new ListenAddress(scheme, authority[..hostEnd], port, IsLocalSocket: false);
    }

    public override string ToString() => IsLocalSocket ? $"{Scheme}://{Host}:..." : $"{Scheme}://{Host}:{Port}";
}
