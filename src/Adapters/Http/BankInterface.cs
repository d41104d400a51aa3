using Microsoft.Extensions.Logging;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Errors;

namespace Paygate.Adapters.Http;

/// <summary>
/// The one way the gateway talks to a bank's interfaces (the corporate API, the SWIFT interface): answers must carry a
/// valid HMAC <see cref="SignatureHeader"/>, and a call that times out is the bank interface's timeout (PM-2003: the
/// gateway calls that bank again no sooner than its retry delay). Its GETs are reads (queries, statements): the HTTP layer
/// may send them again when the bank refused or failed them, but never after a timeout, which obliges that pause.
/// </summary>
internal static class BankInterface
{
    public const string SignatureHeader = "Bank-Signature";

    public static async Task<(ChannelHttpResponse? Response, ChannelResult? Failure)> SendAsync(HttpClient client, HttpRequestMessage request, TimeSpan timeout,
        string signingSecret, int maxSkewSeconds, TimeProvider clock, ILogger logger, string operation, CancellationToken cancellationToken)
    {
        request.WithRetry(request.Method == HttpMethod.Get ? HttpRetry.TransientExceptTimeout : HttpRetry.Never);
        var (response, failure) = await ChannelHttp.SendAsync(client, request, timeout, logger, operation, cancellationToken);
        if (failure is not null)
        {
            return (null, failure.NativeCode == "TIMEOUT" ? failure with { Error = ErrorCatalogue.BankInterfaceTimeout } : failure);
        }
        if (ChannelHttp.Unverified(response!, SignatureHeader,
            () => HmacSignature.Refusal(SignatureHeader, response!.Headers, response.Body, signingSecret, clock.GetUtcNow(), maxSkewSeconds), logger, operation) is { } unverified)
        {
            return (null, unverified);
        }
        return (response, null);
    }
}
