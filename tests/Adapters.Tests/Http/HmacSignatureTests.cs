using Paygate.Adapters.Http;

namespace Paygate.Adapters.Tests.Http;

public sealed class HmacSignatureTests
{
    private const string Header = "Acquirer-Signature";
    private const string Secret = "whsec_test";
    private const string Body = "{\"id\":\"evt_1\"}";
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 0, 0, 0, TimeSpan.Zero);

    private static string? Refusal(string header) =>
        HmacSignature.Refusal(Header, new Dictionary<string, string> { [Header] = header }, Body, Secret, Now, maxSkewSeconds: 300);

    [Fact]
    public void Refusal_SignedNow_None() => Assert.Null(Refusal(HmacSignature.Sign(Secret, Now, Body)));

    [Theory]
    [InlineData(",v1=00")]
    [InlineData(",t=1")]
    [InlineData(", t =1")]
    public void Refusal_AKeyNamedTwice_RefusedEvenWhenOneSignatureHolds(string repeat)
    {
        var refusal = Refusal(HmacSignature.Sign(Secret, Now, Body) + repeat);

        Assert.Equal($"{Header} header names a key twice", refusal);
    }
}
