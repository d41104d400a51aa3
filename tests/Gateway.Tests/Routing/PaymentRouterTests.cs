using Paygate.Adapters.Contract;
using Paygate.Adapters.Money;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Resilience;
using Paygate.Gateway.Routing;
using Paygate.Gateway.Tests.Payments;

namespace Paygate.Gateway.Tests.Routing;

public sealed class PaymentRouterTests
{
    private sealed class NamedChannel(string id) : IPaymentChannel
    {
        private readonly ScriptedChannel _inner = new();
        public string Id => id;
        public ChannelCapabilities Capabilities => _inner.Capabilities;
        public Task<ChannelResult> CreateAsync(ChannelPaymentRequest request, CancellationToken cancellationToken) => _inner.CreateAsync(request, cancellationToken);
        public Task<ChannelResult> QueryAsync(ChannelOrder order, CancellationToken cancellationToken) => _inner.QueryAsync(order, cancellationToken);
        public Task<ChannelResult> CloseAsync(ChannelOrder order, CancellationToken cancellationToken) => _inner.CloseAsync(order, cancellationToken);
        public Task<ChannelResult> RefundAsync(ChannelRefundRequest request, CancellationToken cancellationToken) => _inner.RefundAsync(request, cancellationToken);
        public Task<ChannelResult> QueryRefundAsync(ChannelRefundRequest request, CancellationToken cancellationToken) => _inner.QueryRefundAsync(request, cancellationToken);
        public ChannelNotification ParseNotification(IReadOnlyDictionary<string, string> headers, string body) => _inner.ParseNotification(headers, body);
        public NotificationReply NotificationReply(bool accepted) => _inner.NotificationReply(accepted);
    }

    private readonly ChannelHealth _health = new(Microsoft.Extensions.Options.Options.Create(new ResilienceOptions()), TimeProvider.System);

    private PaymentRouter Router(RoutingOptions options) =>
        new(new ChannelRegistry([new NamedChannel("alpha"), new NamedChannel("beta"), new NamedChannel("gamma")]), new StaticOptions<RoutingOptions>(options), _health);

    private static CreatePaymentCommand Payment(string customerType = "personal", long amount = 1000, string? preferred = null) =>
        new(null, new Money(amount, Currency.CNY), "x", new CustomerInfo(customerType, "CN", "pc"), preferred, null, new Dictionary<string, string>());

    [Fact]
    public void Route_FirstMatchingRuleWins_ThenTheDefaultOrder()
    {
        var router = Router(new RoutingOptions
        {
            Rules =
            [
                new RoutingRule { Name = "big", When = new RoutingCondition { MinAmountMinor = 500_001 }, Channels = ["gamma"] },
                new RoutingRule { Name = "enterprise", When = new RoutingCondition { CustomerType = "enterprise" }, Channels = ["beta", "nonexistent"] },
            ],
            DefaultOrder = ["alpha", "beta", "gamma"],
        });

        Assert.Equal(["beta", "alpha", "gamma"], router.Route(Payment("enterprise")).Candidates);
        Assert.Equal(["gamma", "alpha", "beta"], router.Route(Payment("enterprise", amount: 600_000)).Candidates);
        Assert.Equal(["alpha", "beta", "gamma"], router.Route(Payment()).Candidates);
        Assert.Equal(["gamma", "alpha", "beta"], router.Route(Payment(preferred: "gamma")).Candidates);
    }

    [Fact]
    public void Route_AmongEquals_HealthierChannelsComeFirst()
    {
        var router = Router(new RoutingOptions { DefaultOrder = ["alpha", "beta", "gamma"] });
        for (var i = 0; i < 10; i++)
        {
            _health.Record("alpha", healthy: i % 2 == 0, TimeSpan.FromMilliseconds(50));
            _health.Record("beta", healthy: true, TimeSpan.FromMilliseconds(80));
        }

        var decision = router.Route(Payment());

        Assert.Equal(["beta", "gamma", "alpha"], decision.Candidates);
        Assert.All(decision.Considered!, c => Assert.False(string.IsNullOrEmpty(c.Reason)));
    }
}
