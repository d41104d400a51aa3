using System.Diagnostics;
using System.Security.Cryptography;

namespace Paygate.Bench;

/// <summary>RSA-2048 SHA256withRSA (PKCS#1 v1.5) signatures per second on every core: the ceiling of the RSA channels' creates.</summary>
internal static class SigningRate
{
    public static double Measure(TimeSpan duration)
    {
        var message = new byte[300];
        Random.Shared.NextBytes(message);
        var count = 0L;
        var clock = Stopwatch.StartNew();
        Parallel.For(0, Environment.ProcessorCount, _ =>
        {
            using var key = RSA.Create(2048);
            var mine = 0L;
            while (clock.Elapsed < duration)
            {
                key.SignData(message, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                mine++;
            }
            Interlocked.Add(ref count, mine);
        });
        return count / clock.Elapsed.TotalSeconds;
    }
}
