using System.Security.Cryptography;

namespace Paygate.Adapters.Http;

/// <summary>
/// The random part of a signed request (WeChat Pay's <c>nonce_str</c>). Injected, so that a test can fix it and pin a
/// whole signed request byte for byte; the gateway uses <see cref="RandomRequestNonce"/>.
/// </summary>
public interface IRequestNonce
{
    /// <summary>A fresh nonce: never the same twice in practice, at most 32 characters of <c>[0-9A-Za-z]</c>.</summary>
    string Next();
}

/// <summary>32 upper-case hex digits from the system's cryptographic random source.</summary>
internal sealed class RandomRequestNonce : IRequestNonce
{
    public string Next() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
}
