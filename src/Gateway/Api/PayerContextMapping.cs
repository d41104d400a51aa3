using Paygate.Gateway.Payments;
using Paygate.Gateway.Risk;
using Proto = Paygate.V1;

namespace Paygate.Gateway.Api;

/// <summary>
/// The API's payer context and positions, validated into the core's: an IP that is not an address, a position off the earth or a
/// device id too long is INVALID_ARGUMENT naming the field (under <c>payer.</c> or the prefix given).
/// </summary>
public static class PayerContextMapping
{
    public const int MaxDeviceIdLength = 128;

    /// <summary>The payer context, or null when none (or an empty one) was given.</summary>
    public static PayerContext? FromProto(Proto.PayerContext? payer, string field = "payer")
    {
        if (payer is null || payer.Ip.Length == 0 && payer.Location is null && payer.DeviceId.Length == 0)
        {
            return null;
        }
        string? ip = null;
        if (payer.Ip.Length > 0)
        {
            // Kept in its normal text form: the same address always reads the same (lists, evidence).
            ip = IpAddresses.TryParse(payer.Ip, out var address) ? address.ToString()
                : throw PaymentException.InvalidField($"{field}.ip", "is not an IPv4 or IPv6 address");
        }
        if (payer.DeviceId.Length > MaxDeviceIdLength)
        {
            throw PaymentException.InvalidField($"{field}.device_id", $"must be at most {MaxDeviceIdLength} characters");
        }
        return new PayerContext(ip, FromProto(payer.Location, $"{field}.location"), payer.DeviceId.Length == 0 ? null : payer.DeviceId);
    }

    /// <summary>A position, or null when none was given.</summary>
    public static GeoPoint? FromProto(Proto.GeoPoint? point, string field)
    {
        if (point is null)
        {
            return null;
        }
        if (!double.IsFinite(point.Latitude) || point.Latitude is < -90 or > 90)
        {
            throw PaymentException.InvalidField($"{field}.latitude", "must be from -90 to 90");
        }
        if (!double.IsFinite(point.Longitude) || point.Longitude is < -180 or > 180)
        {
            throw PaymentException.InvalidField($"{field}.longitude", "must be from -180 to 180");
        }
        return new GeoPoint(point.Latitude, point.Longitude);
    }
}
