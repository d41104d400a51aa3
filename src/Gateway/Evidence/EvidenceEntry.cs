using System.Globalization;
using System.Text;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Evidence;

/// <summary>
/// One entry of the evidence chain: what a saved change of a payment said, in the form that is hashed. The canonical encoding
/// (<see cref="Encode"/>) is a concatenation of netstrings (<c>length ":" bytes ","</c>, length in ASCII decimal bytes, UTF-8
/// text), in this fixed order: the format tag <c>paygate-evidence-v1</c>, the link's sequence number, the time in unix
/// milliseconds, the payment id, the event type, the amount in minor units, the currency, the state's API name and the payer's
/// IP (empty when unknown). Numbers are ASCII decimal without leading zeros or sign (a negative amount has a leading
/// <c>-</c>). A netstring says where each field ends, so no two entries share an encoding (docs/evidence.md).
/// </summary>
/// <param name="Sequence">The link's position in the chain, from 1.</param>
/// <param name="Time">When the change happened (the payment's update time), to the millisecond.</param>
/// <param name="PaymentId">The payment.</param>
/// <param name="EventType">The change, e.g. <c>payment.succeeded</c>.</param>
/// <param name="AmountMinor">The payment's amount in minor units.</param>
/// <param name="Currency">ISO 4217.</param>
/// <param name="State">The payment's state after the change.</param>
/// <param name="PayerIp">The payer's IP as the merchant gave it, or null.</param>
public sealed record EvidenceEntry(long Sequence, DateTimeOffset Time, string PaymentId, string EventType, long AmountMinor, string Currency, PaymentState State,
    string? PayerIp)
{
    /// <summary>The first field of every entry: says which encoding follows.</summary>
    public const string FormatTag = "paygate-evidence-v1";

    /// <summary>The encoding's bytes before the sequence number's netstring (the format tag's netstring).</summary>
    public static readonly byte[] Head = Netstring(FormatTag);

    /// <summary>The entry a saved change of <paramref name="payment"/> makes, at <paramref name="sequence"/>.</summary>
    public static EvidenceEntry Of(long sequence, Payment payment, string eventType) =>
        new(sequence, DateTimeOffset.FromUnixTimeMilliseconds(payment.UpdateTime.ToUnixTimeMilliseconds()), payment.Id, eventType, payment.AmountMinor,
            payment.Currency, payment.State, payment.PayerContext?.Ip);

    /// <summary>The canonical bytes that are hashed.</summary>
    public byte[] Encode() => [.. Head, .. Netstring(Number(Sequence)), .. EncodeAfterSequence()];

    /// <summary>
    /// The encoding's bytes after the sequence number's netstring: a store that numbers the link itself (PostgreSQL, under the
    /// chain's lock) joins <see cref="Head"/>, the sequence's netstring and these.
    /// </summary>
    public byte[] EncodeAfterSequence() =>
    [
        .. Netstring(Number(Time.ToUnixTimeMilliseconds())), .. Netstring(PaymentId), .. Netstring(EventType), .. Netstring(Number(AmountMinor)),
        .. Netstring(Currency), .. Netstring(StateName(State)), .. Netstring(PayerIp ?? ""),
    ];

    /// <summary>The state as the API names it (<c>REQUIRES_ACTION</c>), so that the entry reads the same as the API.</summary>
    public static string StateName(PaymentState state) => state switch
    {
        PaymentState.Processing => "PROCESSING",
        PaymentState.RequiresAction => "REQUIRES_ACTION",
        PaymentState.Succeeded => "SUCCEEDED",
        PaymentState.Failed => "FAILED",
        PaymentState.Canceled => "CANCELED",
        PaymentState.Expired => "EXPIRED",
        // A stored state no release ever wrote (an edited row): encoded as its number, so that the hash check reports it.
        _ => Number((long)state),
    };

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static byte[] Netstring(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return [.. Encoding.ASCII.GetBytes(bytes.Length.ToString(CultureInfo.InvariantCulture) + ":"), .. bytes, (byte)','];
    }
}
