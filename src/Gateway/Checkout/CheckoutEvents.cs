using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Checkout;

/// <summary>
/// <c>GET /checkout/{token}/events</c>: server-sent events, one with the payment's state and version at once and one at
/// each change, woken by <see cref="PaymentSignals"/> as <c>WatchPayment</c> is (with a poll for changes another instance
/// made); the stream ends when the payment is final or the link lapses. The page asks for itself again on a newer version.
/// </summary>
public static class CheckoutEvents
{
    private static readonly TimeSpan EventsPoll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static async Task FollowAsync(string token, HttpContext http, CheckoutTokens tokens, PaymentLifecycle lifecycle, PaymentSignals signals, TimeProvider clock,
        CancellationToken cancel)
    {
        if (!tokens.TryRead(token, out var link, out _))
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        Payment payment;
        try
        {
            payment = await lifecycle.GetAsync(link.MerchantId, link.PaymentId, cancel);
        }
        catch (PaymentException)
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-store";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        long version = -1;
        var lastWrite = clock.GetUtcNow();
        // Cancelled when this stream ends, however it ends: its waiter for the next change goes with it.
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var change = signals.NextChangeAsync(link.PaymentId, ended.Token);
        try
        {
            while (!cancel.IsCancellationRequested && clock.GetUtcNow() < link.ExpireTime)
            {
                if (change.IsCompleted)
                {
                    // A new wait only once the last one was used: a quiet page must not pile up waiters.
                    change = signals.NextChangeAsync(link.PaymentId, ended.Token);
                }
                payment = await lifecycle.GetAsync(link.MerchantId, link.PaymentId, cancel);
                var final = payment.State is PaymentState.Succeeded or PaymentState.Canceled or PaymentState.Expired;
                if (payment.Version != version)
                {
                    version = payment.Version;
                    var state = payment.State.ToString().ToLowerInvariant();
                    await http.Response.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"event: payment\ndata: {{\"state\":\"{state}\",\"version\":{version}}}\n\n"), cancel);
                    await http.Response.Body.FlushAsync(cancel);
                    lastWrite = clock.GetUtcNow();
                }
                else if (clock.GetUtcNow() - lastWrite >= KeepAlive)
                {
                    await http.Response.WriteAsync(": keep-alive\n\n", cancel);
                    await http.Response.Body.FlushAsync(cancel);
                    lastWrite = clock.GetUtcNow();
                }
                if (final)
                {
                    break;
                }
                // Woken by this instance's commit at once; the poll catches changes another instance made.
                await Task.WhenAny(change, Task.Delay(EventsPoll, cancel));
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // The payer closed the page.
        }
        finally
        {
            await ended.CancelAsync();
        }
    }
}
