using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using Paygate.Simulators.Hosting;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

/// <summary>The gRPC API served over TLS by Kestrel from a certificate file, to clients that trust one CA and no other.</summary>
public sealed class TlsTests(TlsGatewayFixture fixture) : IClassFixture<TlsGatewayFixture>, IDisposable
{
    private readonly List<GrpcChannel> _channels = [];

    /// <summary>
    /// The one way these tests make a client: over TLS to the gateway, trusting <paramref name="root"/> alone (or, when
    /// null, the machine's trust store). Credentials for the API (an API key) go here, once, in the channel options.
    /// </summary>
    private PaymentService.PaymentServiceClient Client(X509Certificate2? root)
    {
        var handler = new SocketsHttpHandler();
        if (root is not null)
        {
            handler.SslOptions.CertificateChainPolicy = TrustOnly(root);
        }
        var channel = GrpcChannel.ForAddress(fixture.GrpcAddress, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
        _channels.Add(channel);
        return new PaymentService.PaymentServiceClient(ApiCredentials.WithKey(channel, fixture.Gateway.Credentials.MerchantKey));
    }

    /// <summary>
    /// The chain must end at this root and nowhere else: the machine's trusted roots are not consulted. The host name
    /// is still checked against the certificate's names as always.
    /// </summary>
    private static X509ChainPolicy TrustOnly(X509Certificate2 root)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            // The test CA publishes no revocation list; with one (a real CA), leave revocation checking on.
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.Add(root);
        return policy;
    }

    private static CreatePaymentRequest CardRequest() => GatewayUnderTest.CardRequest();

    [Fact]
    public async Task CardPayment_OverTlsToAClientTrustingOnlyTheGatewaysCa_Succeeds()
    {
        var payments = Client(fixture.Authority.Certificate);

        var created = await payments.CreatePaymentAsync(CardRequest());
        var payment = await payments.GetPaymentAsync(new GetPaymentRequest { Id = created.Id });

        Assert.Equal(Payment.Types.State.Succeeded, payment.State);
        Assert.Equal("card", payment.Attempts.Single().Channel);
        var reference = payment.Attempts[0].ChannelReference;
        Assert.Single(fixture.Simulators.Card.Ledger, e => e.Reference == reference && e.Kind == "charge");
    }

    [Fact]
    public async Task ClientTrustingOnlyTheMachinesRoots_IsRefusedAtTheHandshake() =>
        await AssertRefusedAsync(Client(root: null));

    [Fact]
    public async Task ClientTrustingAnotherCaOfTheSameName_IsRefusedAtTheHandshake()
    {
        using var impostor = new TestCertificateAuthority(TlsGatewayFixture.AuthorityName);

        await AssertRefusedAsync(Client(impostor.Certificate));
    }

    private async Task AssertRefusedAsync(PaymentService.PaymentServiceClient payments)
    {
        var charges = fixture.Simulators.Card.Ledger.Count;

        var ex = await Assert.ThrowsAsync<RpcException>(() => payments.CreatePaymentAsync(CardRequest()).ResponseAsync);

        // grpc-dotnet reports it as INTERNAL ("Error starting gRPC call"); what matters is that TLS refused the certificate.
        Assert.Contains(Causes(ex), e => e is AuthenticationException);
        Assert.Equal(charges, fixture.Simulators.Card.Ledger.Count);
    }

    private static IEnumerable<Exception> Causes(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }

    public void Dispose()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
    }
}

/// <summary>
/// A gateway whose gRPC endpoint is <c>https://127.0.0.1</c> with a server certificate issued by a CA made for the
/// test and written as PEM files (owner-only) in the test's folder. The fixture's own plaintext client is not used.
/// </summary>
public sealed class TlsGatewayFixture : IAsyncLifetime
{
    public const string AuthorityName = "Paygate test CA";
    private readonly string _folder = Directory.CreateTempSubdirectory("paygate-tls-").FullName;

    public TestCertificateAuthority Authority { get; } = new(AuthorityName);
    public SimulatorHost Simulators { get; private set; } = null!;
    public GatewayUnderTest Gateway { get; private set; } = null!;
    public Uri GrpcAddress { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        using var server = Authority.IssueForLoopback();
        var (certificatePath, keyPath) = TestCertificateAuthority.WritePem(server, _folder);
        var ports = (Grpc: GatewayUnderTest.FreePort(), Http: GatewayUnderTest.FreePort());
        GrpcAddress = new Uri($"https://127.0.0.1:{ports.Grpc}");
        Simulators = await SimulatorHost.StartAsync();
        Gateway = await GatewayUnderTest.StartAsync(SandboxSettings.For(Simulators), Path.Combine(_folder, "data"), new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Grpc:Url"] = GrpcAddress.ToString(),
            ["Kestrel:Endpoints:Grpc:Certificate:Path"] = certificatePath,
            ["Kestrel:Endpoints:Grpc:Certificate:KeyPath"] = keyPath,
        }, ports);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Simulators.DisposeAsync();
        Authority.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
