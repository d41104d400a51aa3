using System.Security.Cryptography;

namespace Paygate.Adapters.Tests;

/// <summary>RSA-2048 keys generated once per test run (generation is slow), shared read-only by the tests.</summary>
internal static class TestKeys
{
    public static RSA Merchant { get; } = RSA.Create(2048);
    public static RSA Network { get; } = RSA.Create(2048);
}
