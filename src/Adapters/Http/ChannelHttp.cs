using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Errors;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Paygate.Adapters.Http;

/// <summary>An HTTP answer from a network, read whole: status, headers and the raw body text.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Headers">Response headers (case-insensitive), content headers included.</param>
/// <param name="Body">The body exactly as received.</param>
public sealed record ChannelHttpResponse(HttpStatusCode Status, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>
/// Sends one request to a network and classifies transport failures the one way every adapter needs: a
/// connection never made means the network cannot have seen the request (Failed, safe to fail over); anything
/// after the request may have left (timeout, reset) means the outcome is Unknown. The client's resilience handler
/// (<see cref="ChannelHttpClient"/>) may refuse to send (the host's circuit is open: Failed, nothing left) or cut an attempt
/// off (its attempt timeout: Unknown, like any timeout).
/// </summary>
public static class ChannelHttp
{
    public static async Task<(ChannelHttpResponse? Response, ChannelResult? Failure)> SendAsync(
        HttpClient client, HttpRequestMessage request, TimeSpan timeout, ILogger logger, string operation, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await client.SendAsync(request, deadline.Token);
            var body = await response.Content.ReadAsStringAsync(deadline.Token);
            var headers = response.Headers.Concat(response.Content.Headers)
                .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
            return (new ChannelHttpResponse(response.StatusCode, headers, body), null);
        }
        catch (HttpRequestException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.NetworkUnreachable or SocketError.HostUnreachable })
        {
            logger.LogWarning("{Operation}: connection failed ({Error})", operation, ex.Message);
            return (null, new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.ChannelDown, NativeCode = "CONNECTION_FAILED", NativeMessage = ex.Message });
        }
        catch (BrokenCircuitException)
        {
            // Debug: an open circuit refuses every call of an outage (the resilience handler reports the circuit itself).
            var host = request.RequestUri?.Authority;
            logger.LogDebug("{Operation}: not sent, the circuit for {Host} is open", operation, host);
            return (null, new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.ChannelDown, NativeCode = "CIRCUIT_OPEN", NativeMessage = $"the circuit for {host} is open; not sent" });
        }
        catch (HttpRequestException ex)
        {
            logger.LogWarning("{Operation}: transport error after sending ({Error})", operation, ex.Message);
            return (null, ChannelResult.Unknown(ErrorCatalogue.OutcomeUnknown, "TRANSPORT_ERROR", ex.Message));
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutRejectedException)
        {
            logger.LogWarning("{Operation}: no answer within {Timeout}", operation, ex is TimeoutRejectedException rejected ? rejected.Timeout : timeout);
            return (null, ChannelResult.Unknown(ErrorCatalogue.ChannelTimeout, "TIMEOUT", "no response in time"));
        }
    }

    /// <summary>
    /// The one rule for signed answers: a success must carry a valid signature, and a signed error must verify too;
    /// an unsigned error is taken as sent (networks leave some errors unsigned). Null when the answer may be used,
    /// else an unknown outcome: the network may have done what was asked, but its word cannot be trusted.
    /// </summary>
    public static ChannelResult? Unverified(ChannelHttpResponse response, string signatureHeader, Func<string?> refusal, ILogger logger, string operation)
    {
        if ((int)response.Status is < 200 or >= 300 && !response.Headers.ContainsKey(signatureHeader))
        {
            return null;
        }
        var reason = refusal();
        if (reason is null)
        {
            return null;
        }
        logger.LogWarning("{Operation}: response refused: {Reason}", operation, reason);
        return ChannelResult.Unknown(ErrorCatalogue.ChannelResponseUnverified, "INVALID_RESPONSE_SIGNATURE", reason);
    }

    /// <summary>
    /// What an HTTP error that is not the network's business answer means: 503 (service unavailable: refused before
    /// processing) and 4xx are not processed, safe to fail over; other 5xx (500, 502, 504: an upstream may have
    /// processed it) are unknown.
    /// </summary>
    public static ChannelResult StatusFailure(HttpStatusCode status) => (int)status >= 500 && status != HttpStatusCode.ServiceUnavailable
        ? ChannelResult.Unknown(ErrorCatalogue.OutcomeUnknown, $"HTTP {(int)status}", "server error")
        : new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.ChannelDown, NativeCode = $"HTTP {(int)status}", NativeMessage = "the channel refused the call" };
}
