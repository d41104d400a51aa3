namespace Paygate.Gateway.Risk.Indicators;

/// <summary>One indicator of one merchant at a moment, with what a rule needs to judge it.</summary>
/// <param name="Value">The value now.</param>
/// <param name="Volume">How many payments the value rests on (the denominator of a share; the count itself otherwise).</param>
/// <param name="Baseline">The value over the baseline windows (the average count per window, or the pooled share).</param>
/// <param name="BaselineVolume">How many payments the baseline rests on.</param>
/// <param name="Description">The value's parts, for the alert's reason (e.g. <c>12 of 20 finished payments in the last hour</c>).</param>
internal readonly record struct IndicatorReading(decimal Value, long Volume, decimal Baseline, long BaselineVolume, string Description);
