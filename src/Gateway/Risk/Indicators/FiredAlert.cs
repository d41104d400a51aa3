using System.Text.Json;
using System.Text.Json.Serialization;

namespace Paygate.Gateway.Risk.Indicators;

/// <summary>An alert rule that fired for a merchant; kept as the detail of the <c>risk.alert</c> event on <see cref="PaymentId"/>.</summary>
/// <param name="MerchantId">The merchant whose indicator crossed.</param>
/// <param name="PaymentId">The payment whose save tipped it.</param>
/// <param name="Rule">The rule's name.</param>
/// <param name="Indicator">One of <see cref="RiskIndicatorNames"/>.</param>
/// <param name="Value">The indicator's value (a share as a decimal string, e.g. <c>0.42</c>; a count as an integer).</param>
/// <param name="Threshold">The threshold crossed, or for a trend the baseline it rose against.</param>
/// <param name="Reason">What was seen, for people.</param>
/// <param name="FireTime">When it fired.</param>
public sealed record FiredAlert(string MerchantId, string PaymentId, string Rule, string Indicator, string Value, string Threshold, string Reason, DateTimeOffset FireTime)
{
    /// <summary>The event's detail: the alert without the merchant and payment, which the event has already.</summary>
    public string ToDetail() => JsonSerializer.Serialize(new Detail(Rule, Indicator, Value, Threshold, Reason, FireTime), Options);

    /// <summary>The alert kept in a <c>risk.alert</c> event's detail; null when the detail is not one.</summary>
    public static FiredAlert? FromDetail(string merchantId, string paymentId, string? detail)
    {
        if (detail is null)
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<Detail>(detail, Options) is { } d
                ? new FiredAlert(merchantId, paymentId, d.Rule, d.Indicator, d.Value, d.Threshold, d.Reason, d.FireTime)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private sealed record Detail(
        [property: JsonRequired] string Rule,
        [property: JsonRequired] string Indicator,
        [property: JsonRequired] string Value,
        [property: JsonRequired] string Threshold,
        [property: JsonRequired] string Reason,
        [property: JsonRequired] DateTimeOffset FireTime);
}
