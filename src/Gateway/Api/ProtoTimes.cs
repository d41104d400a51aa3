using Google.Protobuf.WellKnownTypes;

namespace Paygate.Gateway.Api;

/// <summary>Timestamps as requests carry them: a time, or not one at all (seconds or nanos out of range).</summary>
public static class ProtoTimes
{
    public static bool TryRead(Timestamp timestamp, out DateTimeOffset value)
    {
        try
        {
            value = timestamp.ToDateTimeOffset();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default;
            return false;
        }
    }
}
