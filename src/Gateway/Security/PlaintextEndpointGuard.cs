namespace Paygate.Gateway.Security;

/// <summary>
/// A live gateway does not serve plaintext HTTP beyond this machine: card data, payment details and the networks'
/// notifications would cross the wire readable. Every endpoint counts, not only the gRPC one, since the notification
/// endpoint carries payment data too. A plaintext endpoint on loopback (a proxy on the same host) is fine; elsewhere,
/// TLS terminated by a proxy in front is declared with <c>Paygate:AllowPlaintext=true</c> and logged as a warning at
/// start. The sandbox is left as it is: plaintext on localhost is how it is tried.
/// </summary>
internal sealed partial class PlaintextEndpointGuard(IConfiguration configuration, GatewayEnvironment environment, ILogger<PlaintextEndpointGuard> logger)
{
    public const string AllowSetting = "Paygate:AllowPlaintext";

    /// <summary>Throws, naming each exposed plaintext endpoint and the setting, unless the sandbox or the setting allows them.</summary>
    public void Check()
    {
        if (environment.IsSandbox)
        {
            return;
        }
        var exposed = ConfiguredEndpoints()
            .Where(e => !e.Address.IsTls && !e.Address.IsLoopbackOnly)
            .Select(e => $"{e.Name} ({e.Address})")
            .ToList();
        if (exposed.Count == 0)
        {
            return;
        }
        var endpoints = string.Join(", ", exposed);
        if (!configuration.GetValue<bool>(AllowSetting))
        {
            throw new InvalidOperationException(
                $"A live gateway does not serve plaintext HTTP beyond loopback: {endpoints}. Serve it over https with a " +
                $"certificate (Kestrel:Endpoints:<name>:Url=https://... and Kestrel:Endpoints:<name>:Certificate), bind it to " +
                $"localhost, or, when a proxy in front terminates TLS, set {AllowSetting}=true.");
        }
        LogPlaintextAllowed(logger, endpoints, AllowSetting);
    }

    /// <summary>
    /// What Kestrel will bind, by its own precedence: the <c>Kestrel:Endpoints</c> sections override <c>urls</c>
    /// (<c>ASPNETCORE_URLS</c>, <c>--urls</c>) unless <c>preferHostingUrls</c> is set; <c>urls</c> override
    /// <c>http_ports</c>/<c>https_ports</c> (<c>ASPNETCORE_HTTP_PORTS</c>, which .NET container images set); with
    /// none of them, Kestrel listens on localhost.
    /// </summary>
    private IEnumerable<(string Name, ListenAddress Address)> ConfiguredEndpoints()
    {
        var endpoints = configuration.GetSection("Kestrel:Endpoints").GetChildren()
            .Where(e => !string.IsNullOrWhiteSpace(e["Url"]))
            .Select(e => ($"Kestrel endpoint '{e.Key}'", ListenAddress.Parse(e["Url"]!)))
            .ToList();
        var urls = HostingUrls();
        return endpoints.Count > 0 && !(configuration.GetValue<bool>("preferHostingUrls") && urls.Count > 0) ? endpoints : urls;
    }

    private List<(string Name, ListenAddress Address)> HostingUrls()
    {
        if (configuration["urls"] is { Length: > 0 } urls)
        {
            return Split(urls).Select(u => ("urls", ListenAddress.Parse(u))).ToList();
        }
        return Split(configuration["http_ports"]).Select(p => ("http_ports", ListenAddress.Parse($"http://*:{p}")))
            .Concat(Split(configuration["https_ports"]).Select(p => ("https_ports", ListenAddress.Parse($"https://*:{p}"))))
            .ToList();
    }

    private static string[] Split(string? list) =>
        (list ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [LoggerMessage(Level = LogLevel.Warning, EventName = "PlaintextAllowed",
        Message = "Serving plaintext HTTP beyond loopback because {Setting} is true: {Endpoints}. TLS must be terminated in front of the gateway.")]
    private static partial void LogPlaintextAllowed(ILogger logger, string endpoints, string setting);
}
