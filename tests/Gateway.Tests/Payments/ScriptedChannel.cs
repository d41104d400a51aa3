using Paygate.Adapters.Contract;
using Paygate.Adapters.Money;

namespace Paygate.Gateway.Tests.Payments;

/// <summary>A unit-test channel that answers from scripts and records every call.</summary>
internal sealed class ScriptedChannel(PaymentFlow flow = PaymentFlow.QrCode) : IPaymentChannel
{
    public Queue<Func<ChannelResult>> CreateAnswers { get; } = new();
    public Queue<Func<ChannelResult>> QueryAnswers { get; } = new();
    public Queue<Func<ChannelResult>> CloseAnswers { get; } = new();
    public Queue<Func<ChannelResult>> RefundAnswers { get; } = new();
    public Queue<Func<ChannelResult>> RefundQueryAnswers { get; } = new();
    public List<ChannelRefundRequest> Refunds { get; } = [];
    public List<string> Calls { get; } = [];
    /// <summary>Runs when Create is called, before it answers: lets a test look at the store at that moment.</summary>
    public Action<ChannelPaymentRequest>? OnCreate { get; set; }

    public string Id => "alipay";

    public ChannelCapabilities Capabilities { get; } = new()
    {
        Currencies = new Dictionary<Currency, AmountLimits> { [Currency.CNY] = new(100, 100_000_000) },
        Flows = new HashSet<PaymentFlow> { flow },
        SupportsQuery = true,
        SupportsClose = true,
        SupportsRefund = true,
    };

    public static ChannelResult Qr(string qr = "https://qr.example/1") => new() { Outcome = ChannelOutcome.RequiresAction, Action = new PayerAction(qr, null), NativeCode = "10000" };

    public Task<ChannelResult> CreateAsync(ChannelPaymentRequest request, CancellationToken cancellationToken)
    {
        Calls.Add("create " + request.Reference);
        OnCreate?.Invoke(request);
        return Task.FromResult(CreateAnswers.Dequeue()());
    }

    public Task<ChannelResult> QueryAsync(ChannelOrder order, CancellationToken cancellationToken)
    {
        Calls.Add("query " + order.Reference);
        return Task.FromResult(QueryAnswers.Dequeue()());
    }

    public Task<ChannelResult> CloseAsync(ChannelOrder order, CancellationToken cancellationToken)
    {
        Calls.Add("close " + order.Reference);
        return Task.FromResult(CloseAnswers.Dequeue()());
    }

    public Task<ChannelResult> RefundAsync(ChannelRefundRequest request, CancellationToken cancellationToken)
    {
        // Refund tests call concurrently.
        lock (Refunds)
        {
            Calls.Add("refund " + request.RefundReference);
            Refunds.Add(request);
            return Task.FromResult(RefundAnswers.Dequeue()());
        }
    }

    public Task<ChannelResult> QueryRefundAsync(ChannelRefundRequest request, CancellationToken cancellationToken)
    {
        lock (Refunds)
        {
            Calls.Add("refund-query " + request.RefundReference);
            return Task.FromResult(RefundQueryAnswers.Dequeue()());
        }
    }

    public ChannelNotification ParseNotification(IReadOnlyDictionary<string, string> headers, string body) => throw new NotSupportedException();

    public NotificationReply NotificationReply(bool accepted) => new(200, "text/plain", accepted ? "success" : "fail");
}
