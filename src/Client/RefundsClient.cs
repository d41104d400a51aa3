using Paygate.Client.Calls;
using Paygate.V1;

namespace Paygate.Client;

/// <summary>Refunds of the merchant's payments: give money back (partly or fully) and read a refund.</summary>
public sealed class RefundsClient
{
    private readonly GatewayCalls _calls;
    private readonly PaymentService.PaymentServiceClient _grpc;

    internal RefundsClient(GatewayCalls calls, PaymentService.PaymentServiceClient grpc)
    {
        _calls = calls;
        _grpc = grpc;
    }

    /// <summary>
    /// Refunds part (or, with amount 0, all that is left) of a SUCCEEDED payment, with a new <c>request_id</c> when the request has
    /// none. Returns the refund, SUCCEEDED or PENDING while the gateway confirms it.
    /// </summary>
    public Task<Refund> CreateAsync(RefundPaymentRequest request, CancellationToken cancellationToken = default) =>
        _calls.UnaryAsync(request, _grpc.RefundPaymentAsync, cancellationToken);

    /// <summary>The refund with this id, <c>re_...</c>.</summary>
    public Task<Refund> GetAsync(string id, CancellationToken cancellationToken = default) =>
        _calls.UnaryAsync(new GetRefundRequest { Id = id }, _grpc.GetRefundAsync, cancellationToken);
}
