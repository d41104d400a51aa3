using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Google.Protobuf;
using Microsoft.Extensions.Options;
using Paygate.Gateway.Mapping;
using Paygate.Gateway.Observability;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Webhooks;

/// <summary>
/// POSTs due deliveries from the outbox to merchants' endpoints: signed, in order per payment (the store hands out
/// only a payment's oldest pending delivery), at least once (a claim is a lease: a crash mid-send means a resend after
/// it lapses), retried with exponential backoff and jitter until <see cref="WebhookOptions.GiveUpAfter"/> after the event.
/// </summary>
public sealed class WebhookDispatcher(
    IWebhookStore store,
    WebhookSecretBox secrets,
    IHttpClientFactory httpClients,
    WebhookAddressPolicy addresses,
    PaymentSignals signals,
    IOptions<WebhookOptions> options,
    TimeProvider clock,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    public const string HttpClientName = "webhooks";
    private static readonly JsonFormatter Json = JsonFormatter.Default;
    private readonly WebhookOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var wake = signals.NextAnyChangeAsync();
            var sent = 0;
            try
            {
                sent = await DispatchDueAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Webhook dispatch failed; trying again shortly");
            }
            if (sent == 0)
            {
                await Task.WhenAny(wake, Task.Delay(_options.PollInterval, clock, stoppingToken));
            }
        }
    }

    /// <summary>Sends one batch of due deliveries; returns how many were tried.</summary>
    public async Task<int> DispatchDueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        // One wave at a time (as many as are sent at once), under a lease that outlives any one POST: nobody else (another
        // instance) sends the same delivery meanwhile.
        var due = await store.ClaimDueAsync(now, now + _options.Timeout * 2 + TimeSpan.FromSeconds(1), _options.MaxConcurrency, cancellationToken);
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrency, CancellationToken = cancellationToken },
            async (delivery, token) => await SendAsync(delivery, token));
        return due.Count;
    }

    private async Task SendAsync(DueDelivery delivery, CancellationToken cancellationToken)
    {
        var evt = delivery.Event.ToProto();
        var number = delivery.Attempts + 1;
        using var span = WebhookTelemetry.Start(delivery, evt.Type, number);
        var started = clock.GetUtcNow();
        var watch = Stopwatch.StartNew();
        // A refused address counts as a failed try and is retried like an unreachable endpoint, not given up at once:
        // a merchant may fix a DNS record within the day, and a refusal costs no more than a lookup (no byte is sent).
        var (status, error) = addresses.FormRefusal(new Uri(delivery.Url)) is { } refusal
            ? (0, $"refused by the address policy: the URL {refusal}")
            : await PostAsync(delivery, evt, number, started, cancellationToken);
        var attempt = new WebhookAttempt(number, started, status, error, watch.ElapsedMilliseconds);
        var now = clock.GetUtcNow();
        if (error.Length == 0)
        {
            WebhookTelemetry.Finished(span, status, delivered: true, "delivered");
            await store.RecordAttemptAsync(delivery.Id, attempt, WebhookDeliveryState.Delivered, now, CancellationToken.None);
            return;
        }
        var giveUpAt = delivery.CreateTime + _options.GiveUpAfter;
        if (now >= giveUpAt)
        {
            WebhookTelemetry.Finished(span, status, delivered: false, "given_up");
            logger.LogError("Webhook delivery {DeliveryId} of {EventId} to endpoint {EndpointId} given up after {Attempts} tries: {Error}",
                delivery.Id, evt.Id, delivery.EndpointId, number, error);
            await store.RecordAttemptAsync(delivery.Id, attempt, WebhookDeliveryState.Failed, now, CancellationToken.None);
            return;
        }
        var next = now + RetryDelay(number);
        WebhookTelemetry.Finished(span, status, delivered: false, "retry");
        logger.LogWarning("Webhook delivery {DeliveryId} of {EventId} to endpoint {EndpointId} failed (try {Attempt}): {Error}; next try at {Next:O}",
            delivery.Id, evt.Id, delivery.EndpointId, number, error, next);
        await store.RecordAttemptAsync(delivery.Id, attempt, WebhookDeliveryState.Pending, next < giveUpAt ? next : giveUpAt, CancellationToken.None);
    }

    private async Task<(int Status, string Error)> PostAsync(DueDelivery delivery, V1.Event evt, int number, DateTimeOffset started, CancellationToken cancellationToken)
    {
        var body = Json.Format(evt);
        try
        {
            var secret = secrets.Open(delivery.SealedSecret, delivery.EndpointId);
            using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url)
            {
                Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
            };
            request.Headers.Add(WebhookSignature.HeaderName, WebhookSignature.Header(secret, started, body));
            request.Headers.Add("Paygate-Event-Id", evt.Id);
            request.Headers.Add("Paygate-Event-Type", evt.Type);
            request.Headers.Add("Paygate-Delivery-Id", delivery.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add("Paygate-Delivery-Attempt", number.ToString(System.Globalization.CultureInfo.InvariantCulture));
            // One timeout for the whole try: lookup, connect, headers and the part of the body that is read.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.Timeout);
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return (status, "");
            }
            var excerpt = await WebhookAnswerExcerpt.ReadAsync(response.Content, timeout.Token, cancellationToken);
            return (status, excerpt.Length == 0 ? $"the endpoint answered HTTP {status}" : $"the endpoint answered HTTP {status}: {excerpt}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (0, $"no answer within {_options.Timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException ex) when (ex.InnerException is WebhookAddressRefusedException refused)
        {
            return (0, $"refused by the address policy: {refused.Message}");
        }
        catch (HttpRequestException ex)
        {
            return (0, $"could not reach the endpoint: {ex.HttpRequestError}");
        }
    }

    /// <summary>The wait after try <paramref name="number"/>: the first delay doubled each time, capped, with ±20 % jitter.</summary>
    public TimeSpan RetryDelay(int number)
    {
        var doubled = _options.FirstRetryDelay * Math.Pow(2, Math.Min(number - 1, 30));
        var capped = doubled < _options.MaxRetryDelay ? doubled : _options.MaxRetryDelay;
        return capped * (0.8 + (Random.Shared.NextDouble() * 0.4));
    }
}
