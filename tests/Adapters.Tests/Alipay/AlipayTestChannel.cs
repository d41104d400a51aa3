using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Paygate.Adapters.Alipay;

namespace Paygate.Adapters.Tests.Alipay;

/// <summary>A real AlipayChannel wired as the gateway wires it, with test keys, pointed at any URL.</summary>
internal sealed class AlipayTestChannel : IDisposable
{
    public const string AppId = "2021000000000001";
    private readonly ServiceProvider _services;

    /// <param name="gatewayUrl">Where the channel sends its calls.</param>
    /// <param name="timeoutSeconds">How long a call may take.</param>
    /// <param name="settings">More settings, e.g. the HTTP client's resilience (<c>ChannelHttp:...</c>).</param>
    public AlipayTestChannel(string gatewayUrl, int timeoutSeconds = 5, IReadOnlyDictionary<string, string?>? settings = null)
    {
        MerchantKey = TestKeys.Merchant;
        AlipayKey = TestKeys.Network;
        Clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 6, 0, 0, TimeSpan.Zero));
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Channels:Alipay:GatewayUrl"] = gatewayUrl,
            ["Channels:Alipay:AppId"] = AppId,
            ["Channels:Alipay:PrivateKeyPem"] = MerchantKey.ExportPkcs8PrivateKeyPem(),
            ["Channels:Alipay:AlipayPublicKeyPem"] = AlipayKey.ExportSubjectPublicKeyInfoPem(),
            ["Channels:Alipay:TimeoutSeconds"] = timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        _services = new ServiceCollection()
            .AddSingleton<IConfiguration>(config)
            .AddSingleton<TimeProvider>(Clock)
            .AddLogging()
            .AddAlipayChannel()
            .BuildServiceProvider();
        Channel = _services.GetRequiredService<AlipayChannel>();
    }

    public AlipayChannel Channel { get; }
    public RSA MerchantKey { get; }
    /// <summary>Stands in for Alipay's own key: signs recorded responses and notifications.</summary>
    public RSA AlipayKey { get; }
    public FakeTimeProvider Clock { get; }

    /// <summary>A recorded response body with its signature computed over the node text, exactly as Alipay signs.</summary>
    public string SignedRecording(string name)
    {
        var body = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Alipay", "Recordings", name + ".json"));
        if (!body.Contains("<SIGN>", StringComparison.Ordinal))
        {
            return body;
        }
        var nodeStart = body.IndexOf(':', StringComparison.Ordinal) + 1;
        var nodeEnd = body.LastIndexOf(",\"sign\"", StringComparison.Ordinal);
        var node = body[nodeStart..nodeEnd];
        var sign = Convert.ToBase64String(AlipayKey.SignData(Encoding.UTF8.GetBytes(node), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        return body.Replace("<SIGN>", sign, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _services.Dispose();
    }
}
