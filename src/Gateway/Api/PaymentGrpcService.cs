using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Paygate.Gateway.Payments;
using Paygate.V1;
using Paygate.Gateway.Mapping;
using Paygate.Gateway.Checkout;

namespace Paygate.Gateway.Api;

/// <summary>The merchant API. Thin: validation here, payment logic in <see cref="PaymentLifecycle"/>.</summary>
public sealed class PaymentGrpcService(
    PaymentLifecycle lifecycle,
    CreatePaymentValidator validator,
    IPaymentStore store,
    PaymentSignals signals,
    CheckoutTokens checkout) : PaymentService.PaymentServiceBase
{
    private const int DefaultPageSize = 20;
    private const int MaxPageSize = 100;
    private const int MaxRefundReasonLength = 80;
    private const string DefaultRefundReason = "refund";
    private const int StreamBatchSize = 200;
    private static readonly TimeSpan WatchPollInterval = TimeSpan.FromSeconds(1);

    public override async Task<V1.Payment> CreatePayment(CreatePaymentRequest request, ServerCallContext context)
    {
        var command = validator.Validate(request);
        var payment = await lifecycle.CreateAsync(context.MerchantId(), command, context.CancellationToken, Deadline(context));
        return WithCheckout(payment.ToProto(), context);
    }

    public override async Task<V1.Payment> RetryPayment(RetryPaymentRequest request, ServerCallContext context)
    {
        var id = ValidId(request.Id);
        var requestId = RequestIds.Validate(request.RequestId, "request_id", (f, r) => throw PaymentException.InvalidField(f, r));
        var (channel, card) = validator.ValidateMethod(request.PaymentMethod);
        var payer = CreatePaymentValidator.ValidatePayer(request.Payer);
        var payment = await lifecycle.RetryAsync(context.MerchantId(), id, requestId, channel, card, Deadline(context), context.CancellationToken,
            payer, validator.Fingerprint(card));
        return WithCheckout(payment.ToProto(), context);
    }

    public override async Task<V1.Payment> ConfirmPayment(ConfirmPaymentRequest request, ServerCallContext context)
    {
        var id = ValidId(request.Id);
        var requestId = RequestIds.Validate(request.RequestId, "request_id", (f, r) => throw PaymentException.InvalidField(f, r));
        var code = ValidVerificationCode(request.VerificationCode);
        var (_, card) = validator.ValidateMethod(request.PaymentMethod);
        var payment = await lifecycle.ConfirmAsync(context.MerchantId(), id, requestId, code, card, Deadline(context), context.CancellationToken, validator.Fingerprint(card));
        return WithCheckout(payment.ToProto(), context);
    }

    /// <summary>A code's shape (its length is the challenge's business: a wrong length is a wrong code and costs a try).</summary>
    public static string ValidVerificationCode(string code) =>
        code.Length is >= 4 and <= 10 && code.All(char.IsAsciiDigit)
            ? code
            : throw PaymentException.InvalidField("verification_code", "required: the 4 to 10 digits the payer received");

    /// <summary>The caller's deadline, which bounds every channel call made for it.</summary>
    private static DateTimeOffset? Deadline(ServerCallContext context) =>
        context.Deadline >= DateTime.MaxValue.AddDays(-1) ? null : new DateTimeOffset(DateTime.SpecifyKind(context.Deadline, DateTimeKind.Utc));

    public override async Task<V1.Payment> GetPayment(GetPaymentRequest request, ServerCallContext context)
    {
        var payment = await lifecycle.GetAsync(context.MerchantId(), ValidId(request.Id), context.CancellationToken);
        return WithCheckout(payment.ToProto(), context);
    }

    public override async Task<ListPaymentsResponse> ListPayments(ListPaymentsRequest request, ServerCallContext context)
    {
        if (request.PageSize < 0 || request.PageSize > MaxPageSize)
        {
            throw PaymentException.InvalidField("page_size", $"must be between 0 and {MaxPageSize}");
        }
        if (!System.Enum.IsDefined(request.State))
        {
            throw PaymentException.InvalidField("state", "unknown state");
        }
        var filter = request.State.ToDomain();
        var size = request.PageSize == 0 ? DefaultPageSize : request.PageSize;
        var merchantId = context.MerchantId();
        var after = PageTokens.Decode(request.PageToken, merchantId, filter);
        // One extra row tells whether another page exists.
        var rows = await lifecycle.ListAsync(merchantId, filter, after, size + 1, context.CancellationToken);
        var page = rows.Take(size).ToList();
        var response = new ListPaymentsResponse { Payments = { page.Select(p => WithCheckout(p.ToProto(), context)) } };
        if (rows.Count > size)
        {
            response.NextPageToken = PageTokens.Encode(new PageCursor(page[^1].CreateTime, page[^1].Id), merchantId, filter);
        }
        return response;
    }

    public override async Task<V1.Payment> CancelPayment(CancelPaymentRequest request, ServerCallContext context)
    {
        var id = ValidId(request.Id);
        var requestId = RequestIds.Validate(request.RequestId, "request_id", (f, r) => throw PaymentException.InvalidField(f, r));
        var payment = await lifecycle.CancelAsync(context.MerchantId(), id, requestId, context.CancellationToken);
        return WithCheckout(payment.ToProto(), context);
    }

    public override async Task WatchPayment(WatchPaymentRequest request, IServerStreamWriter<WatchPaymentResponse> responseStream, ServerCallContext context)
    {
        var id = ValidId(request.Id);
        // Cancelled when this call ends, however it ends: its waiter for the next change goes with it.
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        try
        {
            await WatchAsync(id, responseStream, context, signals.NextChangeAsync(id, ended.Token), ended.Token);
        }
        finally
        {
            await ended.CancelAsync();
        }
    }

    private async Task WatchAsync(string id, IServerStreamWriter<WatchPaymentResponse> responseStream, ServerCallContext context, Task change, CancellationToken ended)
    {
        var cancel = context.CancellationToken;
        var payment = await lifecycle.GetAsync(context.MerchantId(), id, cancel);
        var seen = (await store.EventsAsync(id, 0, cancel)).LastOrDefault()?.Sequence ?? 0;
        await responseStream.WriteAsync(new WatchPaymentResponse
        {
            Payment = WithCheckout(payment.ToProto(), context),
            EventType = "payment.snapshot",
            EventTime = Timestamp.FromDateTimeOffset(payment.UpdateTime),
        }, cancel);
        var final = IsSettled(payment.ToProto());
        while (!final)
        {
            await Task.WhenAny(change, Task.Delay(WatchPollInterval, cancel));
            cancel.ThrowIfCancellationRequested();
            if (change.IsCompleted)
            {
                change = signals.NextChangeAsync(id, ended);
            }
            foreach (var evt in await store.EventsAsync(id, seen, cancel))
            {
                seen = evt.Sequence;
                var proto = evt.ToProto();
                await responseStream.WriteAsync(new WatchPaymentResponse
                {
                    Payment = WithCheckout(proto.Payment, context),
                    EventType = evt.Type,
                    EventTime = proto.CreateTime,
                    Refund = proto.Refund,
                }, cancel);
                final = IsSettled(proto.Payment);
            }
        }
    }

    public override async Task<V1.Refund> RefundPayment(RefundPaymentRequest request, ServerCallContext context)
    {
        var id = ValidId(request.Id);
        var requestId = RequestIds.Validate(request.RequestId, "request_id", (f, r) => throw PaymentException.InvalidField(f, r));
        if (request.AmountMinor < 0)
        {
            throw PaymentException.InvalidField("amount_minor", "must not be negative (0 refunds everything left)");
        }
        var reason = request.Reason.Trim();
        if (reason.Length > MaxRefundReasonLength)
        {
            throw PaymentException.InvalidField("reason", $"at most {MaxRefundReasonLength} characters");
        }
        if (reason.Any(char.IsControl))
        {
            throw PaymentException.InvalidField("reason", "must not contain control characters");
        }
        var (payment, refund) = await lifecycle.RefundAsync(context.MerchantId(), id, request.AmountMinor, reason.Length == 0 ? DefaultRefundReason : reason, requestId,
            Deadline(context), context.CancellationToken);
        return refund.ToProto(payment);
    }

    public override async Task<V1.Refund> GetRefund(GetRefundRequest request, ServerCallContext context)
    {
        if (!PaymentIds.LooksLikeRefundId(request.Id))
        {
            throw PaymentException.InvalidField("id", "must be a refund id: re_ followed by 26 characters");
        }
        var (payment, refund) = await lifecycle.GetRefundAsync(context.MerchantId(), request.Id, context.CancellationToken);
        return refund.ToProto(payment);
    }

    public override async Task StreamEvents(StreamEventsRequest request, IServerStreamWriter<Event> responseStream, ServerCallContext context)
    {
        long after = 0;
        if (request.AfterCursor.Length > 0 && (!long.TryParse(request.AfterCursor, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out after) || after < 0))
        {
            throw PaymentException.InvalidField("after_cursor", "must be the cursor of an event this stream sent, or empty");
        }
        var cancel = context.CancellationToken;
        var merchantId = context.MerchantId();
        while (!cancel.IsCancellationRequested)
        {
            var change = signals.NextAnyChangeAsync();
            var batch = await store.AllEventsAsync(merchantId, after, StreamBatchSize, cancel);
            foreach (var evt in batch)
            {
                var proto = evt.ToProto();
                WithCheckout(proto.Payment, context);
                await responseStream.WriteAsync(proto, cancel);
                after = evt.Sequence;
            }
            if (batch.Count < StreamBatchSize)
            {
                // Caught up: wait for a change here, or poll for one made by another gateway instance.
                await Task.WhenAny(change, Task.Delay(WatchPollInterval, cancel));
            }
        }
    }

    /// <summary>The payment with the address of its hosted checkout page, signed for the calling merchant.</summary>
    private V1.Payment WithCheckout(V1.Payment payment, ServerCallContext context)
    {
        payment.CheckoutUrl = checkout.Url(payment.Id, context.MerchantId(), payment.ExpireTime.ToDateTimeOffset());
        return payment;
    }

    /// <summary>Nothing more will happen to the payment: it is final and no refund of it is pending.</summary>
    private static bool IsSettled(V1.Payment payment) =>
        payment.State is V1.Payment.Types.State.Succeeded or V1.Payment.Types.State.Canceled or V1.Payment.Types.State.Expired
        && payment.Refunds.All(r => r.State != V1.Refund.Types.State.Pending);

    private static string ValidId(string id) =>
        PaymentIds.LooksLikePaymentId(id) ? id : throw PaymentException.InvalidField("id", "must be a payment id: pay_ followed by 26 characters");
}
