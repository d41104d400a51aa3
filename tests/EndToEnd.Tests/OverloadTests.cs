using Google.Rpc;
using Grpc.Core;
using Paygate.Simulators.Faults;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

/// <summary>A gateway with small limits of its own: 16 payment operations in flight, 32 waiting, 4 card calls at once.</summary>
public sealed class SmallLimitsFixture : GatewayFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>
    {
        ["Admission:MaxInFlight"] = "16",
        ["Admission:QueueLimit"] = "32",
        ["Admission:MaxWait"] = "00:00:00.500",
        ["Resilience:Channels:card:MaxConcurrency"] = "4",
    };
}

/// <summary>The gateway's own limits never fail a payment: local overload waits, or refuses the call before anything is written.</summary>
public sealed class OverloadTests(SmallLimitsFixture fixture) : IClassFixture<SmallLimitsFixture>, IDisposable
{
    private GatewayUnderTest Gateway => fixture.Gateway;

    [Fact]
    public async Task ManyConcurrentCardCreates_NoneFailed_RefusalsAreResourceExhaustedWithRetryInfoAndWroteNothing()
    {
        fixture.Simulators.CardFaults.Plan = new FaultPlan { LatencyMs = 100 };
        var description = $"overload {Guid.NewGuid():N}";
        var requests = Enumerable.Range(0, 256).Select(_ => new CreatePaymentRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            AmountMinor = 12_000,
            Currency = "USD",
            Description = description,
            Customer = new Customer { Type = Customer.Types.Type.Enterprise, Country = "US" },
            PaymentMethod = new PaymentMethod { Card = new CardDetails { Number = "4242424242424242", ExpMonth = 12, ExpYear = 2031, Cvc = "123" } },
        }).ToList();

        var outcomes = await Task.WhenAll(requests.Select(async r =>
        {
            try
            {
                return (Request: r, Payment: (Payment?)await Gateway.Payments.CreatePaymentAsync(r, deadline: DateTime.UtcNow.AddSeconds(60)), Error: (RpcException?)null);
            }
            catch (RpcException ex)
            {
                return (Request: r, Payment: null, Error: ex);
            }
        }));

        var created = outcomes.Where(o => o.Payment is not null).Select(o => o.Payment!).ToList();
        var refused = outcomes.Where(o => o.Error is not null).ToList();
        Assert.NotEmpty(created);
        Assert.NotEmpty(refused);
        Assert.DoesNotContain(created, p => p.State == Payment.Types.State.Failed);
        Assert.All(created, p => Assert.Equal(Payment.Types.State.Succeeded, p.State));
        foreach (var (request, _, error) in refused)
        {
            Assert.Equal(StatusCode.ResourceExhausted, error!.StatusCode);
            var status = error.GetRpcStatus()!;
            Assert.Equal("PM-4501", status.GetDetail<ErrorInfo>()!.Reason);
            Assert.True(status.GetDetail<RetryInfo>()?.RetryDelay.ToTimeSpan() > TimeSpan.Zero);
            Assert.Null(await Gateway.Store.FindIdempotencyAsync(Gateway.MerchantId, "create", request.RequestId, CancellationToken.None));
        }
        var written = (await Gateway.Store.ListAsync(Gateway.MerchantId, null, null, 1000, CancellationToken.None)).Where(p => p.Description == description).ToList();
        Assert.Equal(created.Select(p => p.Id).Order(), written.Select(p => p.Id).Order());
    }

    public void Dispose() => fixture.Simulators.CardFaults.Plan = FaultPlan.None;
}
