using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

/// <summary>A gateway with small rate limits, so that a test can reach them quickly.</summary>
public sealed class RateLimitFixture : GatewayFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>
    {
        ["RateLimits:PerSecond"] = "20",
        ["RateLimits:Burst"] = "40",
        ["RateLimits:RefusedKeysPerSecond"] = "2",
        ["RateLimits:RefusedKeysBurst"] = "10",
        ["Logging:LogLevel:Paygate.Gateway.Security"] = "Debug",
    };
}

/// <summary>Each merchant's own token bucket, a merchant's own limit, and a flood of wrong keys.</summary>
public sealed class RateLimitTests(RateLimitFixture fixture) : IClassFixture<RateLimitFixture>
{
    private GatewayUnderTest Gateway => fixture.Gateway;

    private async Task<PaymentService.PaymentServiceClient> NewMerchantAsync(V1.RateLimit? limit = null)
    {
        var admin = new AdminService.AdminServiceClient(Gateway.Operator);
        var merchant = await admin.CreateMerchantAsync(new CreateMerchantRequest { Name = "rate " + Guid.NewGuid().ToString("N")[..6], RateLimit = limit });
        var key = await admin.CreateApiKeyAsync(new CreateApiKeyRequest { MerchantId = merchant.Id });
        return new PaymentService.PaymentServiceClient(ApiCredentials.WithKey(Gateway.Channel, key.Secret));
    }

    private static async Task<RpcException?> ListAsync(PaymentService.PaymentServiceClient payments)
    {
        try
        {
            await payments.ListPaymentsAsync(new ListPaymentsRequest { PageSize = 1 });
            return null;
        }
        catch (RpcException ex)
        {
            return ex;
        }
    }

    [Fact]
    public async Task OneMerchantsBurst_IsRefusedWithRetryInfo_WhileAnothersCallsAllPass()
    {
        var noisy = await NewMerchantAsync();
        var calm = await NewMerchantAsync();

        var burst = Task.WhenAll(Enumerable.Range(0, 200).Select(_ => ListAsync(noisy)));
        var calmResults = new List<RpcException?>();
        for (var i = 0; i < 10; i++)
        {
            calmResults.Add(await ListAsync(calm));
        }
        var noisyResults = await burst;

        Assert.All(calmResults, Assert.Null);
        var refused = noisyResults.Where(e => e is not null).ToList();
        Assert.InRange(refused.Count, 100, 200 - 40);
        Assert.All(refused, e =>
        {
            Assert.Equal(StatusCode.ResourceExhausted, e!.StatusCode);
            var status = e.GetRpcStatus()!;
            Assert.Equal("PM-6018", status.GetDetail<ErrorInfo>()!.Reason);
            Assert.InRange(status.GetDetail<RetryInfo>()!.RetryDelay.ToTimeSpan(), TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(10));
        });
    }

    [Fact]
    public async Task AMerchantsOwnLimit_AppliesToItAlone()
    {
        var strict = await NewMerchantAsync(new V1.RateLimit { PerSecond = 1, Burst = 2 });

        // Sent together, so that the bucket has no time to refill between them, even on a busy machine; and any token
        // that did come back while they were in flight (one a second) is allowed for.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => ListAsync(strict)));
        var refilled = (int)clock.Elapsed.TotalSeconds;

        Assert.InRange(results.Count(r => r is null), 2, 2 + refilled);
        Assert.All(results.Where(r => r is not null), e => Assert.Equal(StatusCode.ResourceExhausted, e!.StatusCode));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Null(await ListAsync(strict)); // a token came back
    }

    [Fact]
    public async Task ThousandsOfWrongKeys_AreSlowedAndLoggedWithoutTheKey_AndChangeNothing()
    {
        var before = (await Gateway.Payments.ListPaymentsAsync(new ListPaymentsRequest { PageSize = 100 })).Payments.Count;
        var wrong = Enumerable.Range(0, 2000).Select(i => $"sk_test_{i:D8}{new string('q', 35)}").ToList();

        var codes = new List<StatusCode>();
        foreach (var key in wrong)
        {
            var payments = new PaymentService.PaymentServiceClient(ApiCredentials.WithKey(Gateway.Channel, key));
            var error = await Assert.ThrowsAsync<RpcException>(() => payments.CreatePaymentAsync(GatewayUnderTest.Checkout(1000)).ResponseAsync);
            codes.Add(error.StatusCode);
        }

        Assert.Equal(StatusCode.Unauthenticated, codes[0]);
        Assert.True(codes.Count(c => c == StatusCode.ResourceExhausted) > 1900, "past the budget, wrong keys are told to slow down");
        Assert.All(codes, c => Assert.True(c is StatusCode.Unauthenticated or StatusCode.ResourceExhausted));
        Assert.Equal(before, (await Gateway.Payments.ListPaymentsAsync(new ListPaymentsRequest { PageSize = 100 })).Payments.Count);
        var lines = Gateway.Logs.Lines.ToList();
        Assert.DoesNotContain(lines, l => wrong.Any(k => l.Message.Contains(k[8..], StringComparison.Ordinal)));
        Assert.InRange(lines.Count(l => l.Level == LogLevel.Warning && l.Message.Contains("Refusing API keys", StringComparison.Ordinal)), 1, 2);
        await Gateway.Payments.ListPaymentsAsync(new ListPaymentsRequest()); // a good key from the same address still works
    }
}
