using System.Runtime.CompilerServices;
using Paygate.Client.Calls;
using Paygate.Client.Errors;
using Paygate.V1;

namespace Paygate.Client;

/// <summary>The merchant's payments (<c>paygate.v1.PaymentService</c>): create, read, list, cancel, pay again, watch.</summary>
public sealed class PaymentsClient
{
    private readonly GatewayCalls _calls;
    private readonly PaymentService.PaymentServiceClient _grpc;

    internal PaymentsClient(GatewayCalls calls, PaymentService.PaymentServiceClient grpc)
    {
        _calls = calls;
        _grpc = grpc;
    }

    /// <summary>
    /// Creates a payment (with a new <c>request_id</c> when the request has none) and returns it, e.g. REQUIRES_ACTION with a QR code,
    /// or SUCCEEDED for a card. A payment that comes back FAILED is thrown as <see cref="PaymentDeclinedException"/> (payer or risk)
    /// or <see cref="PaymentFailedException"/>, holding the payment.
    /// </summary>
    public async Task<Payment> CreateAsync(CreatePaymentRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (sent, requestId) = RequestIds.Ensure(request);
        return Paid(await _calls.UnaryAsync(sent, _grpc.CreatePaymentAsync, cancellationToken).ConfigureAwait(false), requestId);
    }

    /// <summary>The payment with this id; <see cref="NotFoundException"/> when the merchant has none.</summary>
    public Task<Payment> GetAsync(string id, CancellationToken cancellationToken = default) =>
        _calls.UnaryAsync(new GetPaymentRequest { Id = id }, _grpc.GetPaymentAsync, cancellationToken);

    /// <summary>One page of payments, newest first.</summary>
    public Task<ListPaymentsResponse> ListAsync(ListPaymentsRequest request, CancellationToken cancellationToken = default) =>
        _calls.UnaryAsync(request, _grpc.ListPaymentsAsync, cancellationToken);

    /// <summary>Every payment (in <paramref name="state"/>, if given), newest first, page after page.</summary>
    public async IAsyncEnumerable<Payment> ListAllAsync(Payment.Types.State state = Payment.Types.State.Unspecified, int pageSize = 100,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = new ListPaymentsRequest { State = state, PageSize = pageSize };
        do
        {
            var page = await ListAsync(request, cancellationToken).ConfigureAwait(false);
            foreach (var payment in page.Payments)
            {
                yield return payment;
            }
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);
    }

    /// <summary>Cancels an unpaid payment; <see cref="ConflictException"/> when it is final already.</summary>
    public Task<Payment> CancelAsync(string id, string? requestId = null, CancellationToken cancellationToken = default) =>
        _calls.UnaryAsync(new CancelPaymentRequest { Id = id, RequestId = requestId ?? "" }, _grpc.CancelPaymentAsync, cancellationToken);

    /// <summary>Pays a FAILED payment again as a new attempt; a payment that fails again is thrown as in <see cref="CreateAsync"/>.</summary>
    public async Task<Payment> RetryAsync(RetryPaymentRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (sent, requestId) = RequestIds.Ensure(request);
        return Paid(await _calls.UnaryAsync(sent, _grpc.RetryPaymentAsync, cancellationToken).ConfigureAwait(false), requestId);
    }

    /// <summary>
    /// Confirms a payment that risk control challenged (REQUIRES_ACTION, next action VERIFICATION_CODE) with the code the payer
    /// received. A wrong code is thrown as <see cref="InvalidRequestException"/> (<c>PM-3006</c>, its metadata <c>attempts_left</c>);
    /// a payment failed by the last wrong code or a lapsed one is thrown as in <see cref="CreateAsync"/>.
    /// </summary>
    public async Task<Payment> ConfirmAsync(ConfirmPaymentRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (sent, requestId) = RequestIds.Ensure(request);
        return Paid(await _calls.UnaryAsync(sent, _grpc.ConfirmPaymentAsync, cancellationToken).ConfigureAwait(false), requestId);
    }

    /// <summary>The payment as it is now, then each change, until it is final with no refund pending or the caller stops.</summary>
    public IAsyncEnumerable<WatchPaymentResponse> WatchAsync(string id, CancellationToken cancellationToken = default) =>
        _calls.StreamAsync(options => _grpc.WatchPayment(new WatchPaymentRequest { Id = id }, options), cancellationToken);

    private static Payment Paid(Payment payment, string? requestId) =>
        payment.State == Payment.Types.State.Failed ? throw PaygateErrors.FailedPayment(payment, requestId) : payment;
}
