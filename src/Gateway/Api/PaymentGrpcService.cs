using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Storage;
using Paygate.V1;

namespace Paygate.Gateway.Api;

/// <summary>The merchant API. Thin: validation here, payment logic in <see cref="PaymentLifecycle"/>.</summary>
public sealed class PaymentGrpcService(
    PaymentLifecycle lifecycle,
    CreatePaymentValidator validator,
    IPaymentStore store,
    PaymentSignals signals) : PaymentService.PaymentServiceBase
{
    private const int DefaultPageSize = 20;
    private const int MaxPageSize = 100;
    private static readonly TimeSpan WatchPollInterval = TimeSpan.FromSeconds(1);

    public override async Task<V1.Payment> CreatePayment(CreatePaymentRequest request, ServerCallContext context)
    {
        var command = validator.Validate(request);
        var payment = await lifecycle.CreateAsync(command, context.CancellationToken, Deadline(context));
        return payment.ToProto();
    }

    public override async Task<V1.Payment> RetryPayment(RetryPaymentRequest request, ServerCallContext context)
    {
        var id = ValidId(request.Id);
        var requestId = RequestIds.Validate(request.RequestId, "request_id", (f, r) => throw PaymentException.InvalidField(f, r));
        var (channel, card) = validator.ValidateMethod(request.PaymentMethod);
        var payment = await lifecycle.RetryAsync(id, requestId, channel, card, Deadline(context), context.CancellationToken);
        return payment.ToProto();
    }

    /// <summary>The caller's deadline, which bounds every channel call made for it.</summary>
    private static DateTimeOffset? Deadline(ServerCallContext context) =>
        context.Deadline >= DateTime.MaxValue.AddDays(-1) ? null : new DateTimeOffset(DateTime.SpecifyKind(context.Deadline, DateTimeKind.Utc));

    public override async Task<V1.Payment> GetPayment(GetPaymentRequest request, ServerCallContext context)
    {
        var payment = await lifecycle.GetAsync(ValidId(request.Id), context.CancellationToken);
        return payment.ToProto();
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
        var after = PageTokens.Decode(request.PageToken, filter);
        // One extra row tells whether another page exists.
        var rows = await lifecycle.ListAsync(filter, after, size + 1, context.CancellationToken);
        var page = rows.Take(size).ToList();
        var response = new ListPaymentsResponse { Payments = { page.Select(p => p.ToProto()) } };
        if (rows.Count > size)
        {
            response.NextPageToken = PageTokens.Encode(new PageCursor(page[^1].CreateTime, page[^1].Id), filter);
        }
        return response;
    }

    public override async Task<V1.Payment> CancelPayment(CancelPaymentRequest request, ServerCallContext context)
    {
        var id = ValidId(request.Id);
        var requestId = RequestIds.Validate(request.RequestId, "request_id", (f, r) => throw PaymentException.InvalidField(f, r));
        var payment = await lifecycle.CancelAsync(id, requestId, context.CancellationToken);
        return payment.ToProto();
    }

    public override async Task WatchPayment(WatchPaymentRequest request, IServerStreamWriter<WatchPaymentResponse> responseStream, ServerCallContext context)
    {
        var id = ValidId(request.Id);
        var cancel = context.CancellationToken;
        var change = signals.NextChangeAsync(id);
        var payment = await lifecycle.GetAsync(id, cancel);
        var seen = (await store.EventsAsync(id, 0, cancel)).LastOrDefault()?.Sequence ?? 0;
        await responseStream.WriteAsync(new WatchPaymentResponse
        {
            Payment = payment.ToProto(),
            EventType = "payment.snapshot",
            EventTime = Timestamp.FromDateTimeOffset(payment.UpdateTime),
        }, cancel);
        var final = payment.State.IsFinal();
        while (!final)
        {
            await Task.WhenAny(change, Task.Delay(WatchPollInterval, cancel));
            cancel.ThrowIfCancellationRequested();
            if (change.IsCompleted)
            {
                change = signals.NextChangeAsync(id);
            }
            foreach (var evt in await store.EventsAsync(id, seen, cancel))
            {
                seen = evt.Sequence;
                await responseStream.WriteAsync(new WatchPaymentResponse
                {
                    Payment = PaymentJson.Deserialize(evt.Snapshot).ToProto(),
                    EventType = evt.Type,
                    EventTime = Timestamp.FromDateTimeOffset(evt.Time),
                }, cancel);
                final = evt.State.IsFinal();
            }
        }
    }

    private static string ValidId(string id) =>
        PaymentIds.LooksLikePaymentId(id) ? id : throw PaymentException.InvalidField("id", "must be a payment id: pay_ followed by 26 characters");
}
