using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Paygate.Gateway.Storage;
using Paygate.Gateway.Webhooks;

namespace Paygate.Gateway.Tests.Webhooks;

public sealed class WebhookSecurityTests
{
    private const string Secret = "whsec_test_5Vb1nVZ9cXr0";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_795_000_000);

    [Fact]
    public void Signature_IsHmacSha256OfTimestampDotBody_InHex()
    {
        const string body = """{"id":"evt_1","type":"payment.succeeded"}""";

        var header = WebhookSignature.Header(Secret, Now, body);

        // Computed here from the documented rule, independently of the signer.
        var expected = Convert.ToHexStringLower(new HMACSHA256(Encoding.UTF8.GetBytes(Secret)).ComputeHash(Encoding.UTF8.GetBytes("1795000000." + body)));
        Assert.Equal($"t=1795000000,v1={expected}", header);
        Assert.True(WebhookSignature.Verify(Secret, header, body, Now.AddSeconds(30), TimeSpan.FromMinutes(5)));
    }

    [Theory]
    [InlineData("tampered body", 0)]
    [InlineData("wrong secret", 0)]
    [InlineData("replayed late", 600)]
    public void Verify_RefusesTamperedForgedAndStale(string change, int secondsLater)
    {
        const string body = """{"id":"evt_2"}""";
        var header = WebhookSignature.Header(Secret, Now, body);

        var ok = change switch
        {
            "tampered body" => WebhookSignature.Verify(Secret, header, body.Replace('2', '3'), Now, TimeSpan.FromMinutes(5)),
            "wrong secret" => WebhookSignature.Verify("whsec_other", header, body, Now, TimeSpan.FromMinutes(5)),
            _ => WebhookSignature.Verify(Secret, header, body, Now.AddSeconds(secondsLater), TimeSpan.FromMinutes(5)),
        };

        Assert.False(ok);
    }

    [Fact]
    public void Verify_AHeaderWithSeveralSignaturesOrTimestamps_IsJudgedNotThrown()
    {
        const string body = """{"id":"evt_3"}""";
        var header = WebhookSignature.Header(Secret, Now, body);
        var signature = header[(header.IndexOf(",v1=", StringComparison.Ordinal) + 4)..];

        Assert.True(WebhookSignature.Verify(Secret, $"t=1795000000,v1={new string('0', 64)},v1={signature}", body, Now, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify(Secret, $"t=1795000000,v1={new string('0', 64)},v1={new string('1', 64)}", body, Now, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify(Secret, $"t=1795000000,t=1795000001,v1={signature}", body, Now, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void SecretBox_SealsWithoutTheSecretInClear_AndOpensOnlyForItsEndpoint()
    {
        var box = new WebhookSecretBox(RandomNumberGenerator.GetBytes(32));

        var sealedText = box.Seal(Secret, "we_A");

        Assert.DoesNotContain(Secret, sealedText, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, Encoding.Latin1.GetString(Convert.FromBase64String(sealedText)), StringComparison.Ordinal);
        Assert.NotEqual(sealedText, box.Seal(Secret, "we_A")); // a fresh nonce each time
        Assert.Equal(Secret, box.Open(sealedText, "we_A"));
        Assert.ThrowsAny<CryptographicException>(() => box.Open(sealedText, "we_B"));
        Assert.ThrowsAny<CryptographicException>(() => new WebhookSecretBox(RandomNumberGenerator.GetBytes(32)).Open(sealedText, "we_A"));
    }

    [Fact]
    public void GeneratedKey_InstancesStartingTogetherOnOneFolder_AllUseTheOneKeyWritten()
    {
        // Gateway instances that share a data folder and have no configured key: whichever writes webhook.key first, every
        // one of them opens what the others sealed (none reads the file before its key is in it).
        for (var round = 0; round < 200; round++)
        {
            var folder = Directory.CreateTempSubdirectory("paygate-webhook-key-").FullName;
            try
            {
                using var ready = new Barrier(4);
                var boxes = new WebhookSecretBox?[4];
                var failures = new Exception?[4];
                var threads = Enumerable.Range(0, 4).Select(i => new Thread(() =>
                {
                    ready.SignalAndWait();
                    try
                    {
                        boxes[i] = new WebhookSecretBox(Options.Create(new WebhookOptions()), new DataFolder(folder));
                    }
                    catch (Exception ex)
                    {
                        failures[i] = ex;
                    }
                })).ToList();
                threads.ForEach(t => t.Start());
                threads.ForEach(t => t.Join());
                Assert.All(failures, Assert.Null);
                var sealedText = boxes[0]!.Seal(Secret, "we_A");
                Assert.All(boxes, box => Assert.Equal(Secret, box!.Open(sealedText, "we_A")));
                Assert.Equal([Path.Combine(folder, "webhook.key")], Directory.GetFiles(folder));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
