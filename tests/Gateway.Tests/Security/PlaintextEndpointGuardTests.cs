using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Paygate.Gateway.Security;

namespace Paygate.Gateway.Tests.Security;

public sealed class PlaintextEndpointGuardTests
{
    private readonly WarningLog _log = new();

    private void Check(GatewayEnvironment environment, params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        new PlaintextEndpointGuard(configuration, environment, _log).Check();
    }

    private static (string, string) Grpc(string url) => ("Kestrel:Endpoints:Grpc:Url", url);

    [Theory]
    [InlineData("http://0.0.0.0:5080")]
    [InlineData("http://[::]:5080")]
    [InlineData("http://*:5080")]
    [InlineData("http://+:5080")]
    [InlineData("http://gateway.example.com:5080")]
    [InlineData("http://localhost.example.com:5080")]
    [InlineData("http://10.1.2.3:5080")]
    [InlineData("http://[2001:db8::1]:5080")]
    [InlineData("HTTP://0.0.0.0:5080")]
    public void Live_PlaintextBeyondLoopback_IsRefusedNamingTheEndpointAndTheSetting(string url)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Check(GatewayEnvironment.Live, Grpc(url)));

        Assert.Contains("Kestrel endpoint 'Grpc'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(url[url.IndexOf("://", StringComparison.Ordinal)..], ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Paygate:AllowPlaintext=true", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://localhost:5080")]
    [InlineData("http://LOCALHOST:5080")]
    [InlineData("http://127.0.0.1:5080")]
    [InlineData("http://127.0.0.2:5080")]
    [InlineData("http://[::1]:5080")]
    [InlineData("http://[::ffff:127.0.0.1]:5080")]
    [InlineData("http://unix:/run/paygate/grpc.sock")]
    [InlineData("https://0.0.0.0:5443")]
    [InlineData("https://[::]:5443")]
    [InlineData("https://gateway.example.com:5443")]
    public void Live_TlsOrLoopbackOnly_Starts(string url)
    {
        Check(GatewayEnvironment.Live, Grpc(url), ("Kestrel:Endpoints:Http:Url", "http://127.0.0.1:5081"));

        Assert.Empty(_log.Warnings);
    }

    [Fact]
    public void Sandbox_PlaintextOnEveryInterface_StartsWithoutAWord()
    {
        Check(GatewayEnvironment.Sandbox, Grpc("http://0.0.0.0:5080"), ("urls", "http://*:80"));

        Assert.Empty(_log.Warnings);
    }

    [Fact]
    public void Live_NotificationEndpointInPlaintext_IsRefusedToo()
    {
        var ex = Assert.Throws<InvalidOperationException>(() =>
            Check(GatewayEnvironment.Live, Grpc("https://0.0.0.0:5443"), ("Kestrel:Endpoints:Http:Url", "http://0.0.0.0:5081")));

        Assert.Contains("Kestrel endpoint 'Http' (http://0.0.0.0:5081)", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'Grpc'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Live_AllowPlaintext_StartsAndWarnsNamingTheEndpoints()
    {
        Check(GatewayEnvironment.Live, Grpc("http://0.0.0.0:5080"), ("Kestrel:Endpoints:Http:Url", "http://localhost:5081"),
            ("Paygate:AllowPlaintext", "true"));

        var warning = Assert.Single(_log.Warnings);
        Assert.Contains("Kestrel endpoint 'Grpc' (http://0.0.0.0:5080)", warning, StringComparison.Ordinal);
        Assert.Contains("Paygate:AllowPlaintext", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("'Http'", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Live_AllowPlaintextFalse_IsRefused() =>
        Assert.Throws<InvalidOperationException>(() =>
            Check(GatewayEnvironment.Live, Grpc("http://0.0.0.0:5080"), ("Paygate:AllowPlaintext", "false")));

    [Fact]
    public void Live_AllowPlaintextButNothingExposed_DoesNotWarn()
    {
        Check(GatewayEnvironment.Live, Grpc("https://0.0.0.0:5443"), ("Paygate:AllowPlaintext", "true"));

        Assert.Empty(_log.Warnings);
    }

    [Fact]
    public void Live_UrlsWithoutKestrelEndpoints_AreChecked()
    {
        var ex = Assert.Throws<InvalidOperationException>(() =>
            Check(GatewayEnvironment.Live, ("urls", "http://localhost:5000; http://0.0.0.0:5001")));

        Assert.Contains("urls (http://0.0.0.0:5001)", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("5000", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Live_UrlsOverriddenByKestrelEndpoints_AreNotWhatIsBound() =>
        Check(GatewayEnvironment.Live, Grpc("https://0.0.0.0:5443"), ("urls", "http://*:80"));

    [Fact]
    public void Live_UrlsPreferredOverKestrelEndpoints_AreChecked() =>
        Assert.Throws<InvalidOperationException>(() =>
            Check(GatewayEnvironment.Live, Grpc("https://0.0.0.0:5443"), ("urls", "http://*:80"), ("preferHostingUrls", "true")));

    [Fact]
    public void Live_HttpPortsAlone_BindEveryInterfaceAndAreRefused()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Check(GatewayEnvironment.Live, ("http_ports", "8080")));

        Assert.Contains("http_ports (http://*:8080)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Live_HttpsPortsAlone_Start() => Check(GatewayEnvironment.Live, ("https_ports", "8443"));

    [Fact]
    public void Live_NothingConfigured_KestrelsDefaultIsLocalhost() => Check(GatewayEnvironment.Live);

    [Fact]
    public void Refusal_NeverRepeatsACertificatePasswordOrUserInformation()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Check(GatewayEnvironment.Live,
            Grpc("http://operator:hunter2@0.0.0.0:5080"),
            ("Kestrel:Endpoints:Grpc:Certificate:Password", "pfx-secret")));

        Assert.DoesNotContain("hunter2", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pfx-secret", ex.Message, StringComparison.Ordinal);
        Assert.Contains("http://0.0.0.0:5080", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>The warnings the guard writes, rendered.</summary>
    private sealed class WarningLog : ILogger<PlaintextEndpointGuard>
    {
        public List<string> Warnings { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
            {
                Warnings.Add(formatter(state, exception));
            }
        }
    }
}
