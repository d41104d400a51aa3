using Google.Protobuf;
using Grpc.Core;
using Paygate.Adapters.Errors;

namespace Paygate.Gateway.Api;

/// <summary>
/// Request bytes that are not a valid message (a bad tag, a truncated field, invalid UTF-8 in a string: protobuf's InvalidProtocolBufferException) are the
/// caller's mistake, so they answer INVALID_ARGUMENT (PM-6001) like any other invalid request. grpc-dotnet parses
/// the message before any interceptor runs and would answer UNKNOWN with an error and a stack trace per request,
/// which anyone could use to flood the log; here they cost at most one warning a minute, without the payload.
/// </summary>
internal sealed partial class MalformedRequests(ILogger<MalformedRequests> logger, TimeProvider clock)
{
    private static readonly TimeSpan WarningInterval = TimeSpan.FromMinutes(1);

    private readonly Lock _lock = new();
    private DateTimeOffset _nextWarning = DateTimeOffset.MinValue;
    private long _unreported;

    /// <summary><paramref name="marshaller"/> with a deserializer that refuses malformed bytes as the caller's error.</summary>
    public Marshaller<T> Guard<T>(Marshaller<T> marshaller, string method) =>
        new(marshaller.ContextualSerializer, context => Deserialize(marshaller, context, method));

    private T Deserialize<T>(Marshaller<T> marshaller, DeserializationContext context, string method)
    {
        try
        {
            return marshaller.ContextualDeserializer(context);
        }
        catch (InvalidProtocolBufferException ex)
        {
            // Protobuf's messages are fixed texts ("Protocol message contained an invalid tag (zero).", "String is
            // invalid UTF-8."), never the payload: safe to show the caller and to log.
            Report(method, ex.Message);
            throw ErrorInterceptor.ToRpcException(ErrorCatalogue.InvalidArgument, $"the request message could not be parsed: {ex.Message}", [],
                new Dictionary<string, string>());
        }
    }

    private void Report(string method, string reason)
    {
        long count;
        lock (_lock)
        {
            _unreported++;
            var now = clock.GetUtcNow();
            if (now < _nextWarning)
            {
                return;
            }
            _nextWarning = now + WarningInterval;
            count = _unreported;
            _unreported = 0;
        }
        LogRefused(logger, count, method, reason);
    }

    [LoggerMessage(Level = LogLevel.Warning, EventName = "MalformedRequestsRefused",
        Message = "Refused {Count} malformed request message(s) since the last report; the latest to {Method}: {Reason}")]
    private static partial void LogRefused(ILogger logger, long count, string method, string reason);
}
