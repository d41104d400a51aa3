using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Paygate.Gateway.Storage;

namespace Paygate.Gateway.Webhooks;

/// <summary>
/// Seals endpoints' signing secrets for the database with AES-256-GCM (a fresh 96-bit nonce each time, the endpoint id
/// as associated data, so a sealed secret cannot be moved to another endpoint). The database never holds a secret in clear.
/// </summary>
public sealed class WebhookSecretBox
{
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private readonly byte[] _key;

    public WebhookSecretBox(IOptions<WebhookOptions> options, DataFolder folder)
    {
        _key = options.Value.SecretKey is { Length: > 0 } configured
            ? Convert.FromBase64String(configured)
            : LoadOrCreateKeyFile(folder.File("webhook.key"));
        if (_key.Length != 32)
        {
            throw new InvalidOperationException($"{WebhookOptions.Section}:SecretKey must be 32 bytes in Base64 (AES-256)");
        }
    }

    public WebhookSecretBox(byte[] key) => _key = key;

    /// <summary>
    /// A key of its own for another use of the gateway's secret (HKDF-SHA256 with <paramref name="purpose"/> as info): the
    /// checkout page's link tokens are signed with one, so that one secret, kept as this one is, serves both.
    /// </summary>
    public byte[] DeriveKey(string purpose) => HKDF.DeriveKey(HashAlgorithmName.SHA256, _key, 32, info: Encoding.UTF8.GetBytes(purpose));

    /// <summary>Base64 of nonce, tag and ciphertext.</summary>
    public string Seal(string secret, string endpointId)
    {
        var plain = Encoding.UTF8.GetBytes(secret);
        var sealedBytes = new byte[NonceBytes + TagBytes + plain.Length];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagBytes);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes), Encoding.UTF8.GetBytes(endpointId));
        return Convert.ToBase64String(sealedBytes);
    }

    /// <summary>The secret; throws <see cref="CryptographicException"/> when the text was altered, moved or sealed under another key.</summary>
    public string Open(string sealedText, string endpointId)
    {
        var sealedBytes = Convert.FromBase64String(sealedText);
        var plain = new byte[sealedBytes.Length - NonceBytes - TagBytes];
        using var aes = new AesGcm(_key, TagBytes);
        aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes), plain, Encoding.UTF8.GetBytes(endpointId));
        return Encoding.UTF8.GetString(plain);
    }

    private static byte[] LoadOrCreateKeyFile(string path)
    {
        if (File.Exists(path))
        {
            // A key file copied in or written by an older version is made owner-only again.
            OwnerOnly.Narrow(path);
            return ReadWhole(path);
        }
        var key = RandomNumberGenerator.GetBytes(32);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        try
        {
            // Created only if there is none (one instance of several starting together on one folder wins)...
            using var file = new FileStream(path, options);
            file.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(key)));
            file.Flush(flushToDisk: true);
            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            // ...and the others use its key, once it is written whole.
            return ReadWhole(path);
        }
    }

    /// <summary>The key in a key file, waiting a moment for one another instance is still writing.</summary>
    private static byte[] ReadWhole(string path)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            var text = File.ReadAllText(path).Trim();
            if (text.Length >= 44 || DateTime.UtcNow > deadline)
            {
                return Convert.FromBase64String(text);
            }
            Thread.Sleep(10);
        }
    }
}
