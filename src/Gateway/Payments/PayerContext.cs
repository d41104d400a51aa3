namespace Paygate.Gateway.Payments;

/// <summary>Where the payer is, as the merchant's front end saw it; risk control reads it, the evidence chain records its IP.</summary>
/// <param name="Ip">The payer's IP address in its normal text form (parsed and re-written), or null.</param>
/// <param name="Location">The payer's device position, or null.</param>
/// <param name="DeviceId">The merchant's id of the payer's device, or null.</param>
public sealed record PayerContext(string? Ip, GeoPoint? Location, string? DeviceId);

/// <summary>A point on the earth (WGS 84), in degrees.</summary>
public sealed record GeoPoint(double Latitude, double Longitude)
{
    private const double EarthRadiusKm = 6371.0088;

    /// <summary>The great-circle distance to <paramref name="other"/> in kilometres (haversine).</summary>
    public double DistanceKmTo(GeoPoint other)
    {
        static double Radians(double degrees) => degrees * Math.PI / 180;
        var dLat = Radians(other.Latitude - Latitude);
        var dLon = Radians(other.Longitude - Longitude);
        var a = Math.Pow(Math.Sin(dLat / 2), 2) + Math.Cos(Radians(Latitude)) * Math.Cos(Radians(other.Latitude)) * Math.Pow(Math.Sin(dLon / 2), 2);
        return 2 * EarthRadiusKm * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }
}
