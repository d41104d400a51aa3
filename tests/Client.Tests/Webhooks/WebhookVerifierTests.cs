extern alias client;

using client::Paygate.Client.Webhooks;
using Microsoft.Extensions.Time.Testing;
using Paygate.Gateway.Webhooks;

namespace Paygate.Client.Tests.Webhooks;

/// <summary>The client's check of a webhook's signature, against headers made by the gateway's own signer.</summary>
public sealed class WebhookVerifierTests
{
    private const string Secret = "whsec_5mB0q1xYzAbCdEfGhIjKlMnOpQrStUv";
    private const string Body = """{"id":"evt_42","cursor":"42","type":"payment.succeeded","payment":{"id":"pay_7","amountMinor":"12000","currency":"USD"}}""";

    private static readonly DateTimeOffset Now = new(2026, 11, 29, 8, 0, 0, TimeSpan.Zero);
    private readonly WebhookVerifier _verifier = new(Secret, clock: new FakeTimeProvider(Now));

    private static WebhookSignatureFailure FailureOf(Action verify) => Assert.Throws<WebhookSignatureException>(verify).Failure;

    [Fact]
    public void GatewaySignedDelivery_Verifies_AndReadsAsItsEvent()
    {
        var evt = _verifier.ParseEvent(WebhookSignature.Header(Secret, Now.AddSeconds(-30), Body), Body);

        Assert.Equal(("evt_42", "payment.succeeded", "pay_7", 12_000L), (evt.Id, evt.Type, evt.Payment.Id, evt.Payment.AmountMinor));
    }

    [Fact]
    public void TamperedBody_IsAMismatch() =>
        Assert.Equal(WebhookSignatureFailure.SignatureMismatch,
            FailureOf(() => _verifier.Verify(WebhookSignature.Header(Secret, Now, Body), Body.Replace("12000", "99000", StringComparison.Ordinal))));

    [Fact]
    public void AnotherEndpointsSecret_IsAMismatch() =>
        Assert.Equal(WebhookSignatureFailure.SignatureMismatch,
            FailureOf(() => _verifier.Verify(WebhookSignature.Header("whsec_someoneElse0000000000000000", Now, Body), Body)));

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    public void TimestampBeyondTheTolerance_IsRefused_EvenWhenCorrectlySigned(int seconds) =>
        Assert.Equal(WebhookSignatureFailure.TimestampOutsideTolerance,
            FailureOf(() => _verifier.Verify(WebhookSignature.Header(Secret, Now.AddSeconds(seconds), Body), Body)));

    [Fact]
    public void TimestampChangedAfterSigning_IsAMismatch()
    {
        var header = WebhookSignature.Header(Secret, Now.AddMinutes(-20), Body);
        var replayed = "t=" + Now.ToUnixTimeSeconds() + header[header.IndexOf(',', StringComparison.Ordinal)..];

        Assert.Equal(WebhookSignatureFailure.SignatureMismatch, FailureOf(() => _verifier.Verify(replayed, Body)));
    }

    [Theory]
    [InlineData(null, WebhookSignatureFailure.MissingHeader)]
    [InlineData("", WebhookSignatureFailure.MissingHeader)]
    [InlineData("v1=abc", WebhookSignatureFailure.MalformedHeader)]
    [InlineData("t=1796025600", WebhookSignatureFailure.MalformedHeader)]
    [InlineData("t=soon,v1=00000000000000000000000000000000000000000000000000000000000000zz", WebhookSignatureFailure.MalformedHeader)]
    public void UnusableHeader_SaysWhatIsWrong(string? header, WebhookSignatureFailure expected) =>
        Assert.Equal(expected, FailureOf(() => _verifier.Verify(header, Body)));

    [Fact]
    public void RawBytes_AreCheckedLikeTheText()
    {
        var header = WebhookSignature.Header(Secret, Now, Body);
        var bytes = System.Text.Encoding.UTF8.GetBytes(Body);
        _verifier.Verify(header, bytes);

        bytes[^2] ^= 1;
        Assert.Equal(WebhookSignatureFailure.SignatureMismatch, FailureOf(() => _verifier.Verify(header, bytes)));
    }
}
