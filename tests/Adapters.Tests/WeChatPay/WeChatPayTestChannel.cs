using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Paygate.Adapters.Http;
using Paygate.Adapters.WeChatPay;

namespace Paygate.Adapters.Tests.WeChatPay;

/// <summary>A real WeChatPayChannel wired as the gateway wires it, with test keys, and a stand-in for the platform's signing.</summary>
internal sealed class WeChatPayTestChannel : IDisposable
{
    public const string MchId = "1900000109";
    public const string AppId = "wxd678efh567hg6787";
    public const string MerchantSerial = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1";
    public const string PlatformSerial = "PUB_KEY_ID_0000000000000024101100397200000006";
    public const string ApiV3Key = "a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb";
    private readonly ServiceProvider _services;

    /// <param name="baseUrl">Where the channel sends its calls.</param>
    /// <param name="timeoutSeconds">How long a call may take.</param>
    /// <param name="merchantKey">The merchant's signing key; the run's shared test key when null.</param>
    /// <param name="nonce">The request nonces; random, as in the gateway, when null.</param>
    /// <param name="settings">More settings, e.g. the HTTP client's resilience (<c>ChannelHttp:...</c>).</param>
    public WeChatPayTestChannel(string baseUrl, int timeoutSeconds = 10, RSA? merchantKey = null, IRequestNonce? nonce = null,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        MerchantKey = merchantKey ?? TestKeys.Merchant;
        PlatformKey = TestKeys.Network;
        Clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 6, 0, 0, TimeSpan.Zero));
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Channels:WeChatPay:BaseUrl"] = baseUrl,
            ["Channels:WeChatPay:MchId"] = MchId,
            ["Channels:WeChatPay:AppId"] = AppId,
            ["Channels:WeChatPay:MerchantSerialNo"] = MerchantSerial,
            ["Channels:WeChatPay:PrivateKeyPem"] = MerchantKey.ExportPkcs8PrivateKeyPem(),
            ["Channels:WeChatPay:ApiV3Key"] = ApiV3Key,
            [$"Channels:WeChatPay:PlatformPublicKeys:{PlatformSerial}"] = PlatformKey.ExportSubjectPublicKeyInfoPem(),
            ["Channels:WeChatPay:TimeoutSeconds"] = timeoutSeconds.ToString(CultureInfo.InvariantCulture),
        }).AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        var services = new ServiceCollection();
        if (nonce is not null)
        {
            services.AddSingleton(nonce);
        }
        _services = services
            .AddSingleton<IConfiguration>(config)
            .AddSingleton<TimeProvider>(Clock)
            .AddLogging()
            .AddWeChatPayChannel()
            .BuildServiceProvider();
        Channel = _services.GetRequiredService<WeChatPayChannel>();
    }

    public WeChatPayChannel Channel { get; }
    public RSA MerchantKey { get; }
    /// <summary>Stands in for WeChat Pay's platform key.</summary>
    public RSA PlatformKey { get; }
    public FakeTimeProvider Clock { get; }

    /// <summary>The Wechatpay-* headers WeChat Pay would send with <paramref name="body"/>.</summary>
    public Dictionary<string, string> SignedHeaders(string body, DateTimeOffset? at = null, string serial = PlatformSerial, RSA? key = null)
    {
        var timestamp = (at ?? Clock.GetUtcNow()).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        const string nonce = "5K8264ILTKCH16CQ2502SI8ZNMTM67VS";
        var signature = Convert.ToBase64String((key ?? PlatformKey).SignData(Encoding.UTF8.GetBytes($"{timestamp}\n{nonce}\n{body}\n"), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        return new Dictionary<string, string>
        {
            ["Wechatpay-Timestamp"] = timestamp,
            ["Wechatpay-Nonce"] = nonce,
            ["Wechatpay-Serial"] = serial,
            ["Wechatpay-Signature"] = signature,
        };
    }

    /// <summary>Encrypts a transaction as WeChat Pay does in a notification resource.</summary>
    public static string Encrypt(string plaintext, string nonce, string associatedData, string key = ApiV3Key)
    {
        var data = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[data.Length + 16];
        using var aes = new AesGcm(Encoding.UTF8.GetBytes(key), 16);
        aes.Encrypt(Encoding.UTF8.GetBytes(nonce), data, output.AsSpan(0, data.Length), output.AsSpan(data.Length), Encoding.UTF8.GetBytes(associatedData));
        return Convert.ToBase64String(output);
    }

    public void Dispose()
    {
        _services.Dispose();
    }
}
