using System.Data.Common;
using Paygate.Gateway.Merchants;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Storage;

/// <summary>
/// Rows read back into the core's records, the same for every store (the columns are listed by the <c>*Columns</c> constants
/// here, in this order). Times are unix milliseconds.
/// </summary>
internal static class StoreRows
{
    public const string MerchantColumns = "SELECT id, name, rate_per_second, rate_burst, create_time FROM merchants ";
    public const string KeyColumns = "SELECT id, role, merchant_id, prefix, hash, description, create_time, expire_time, revoke_time, last_use_time FROM api_keys ";
    public const string EndpointColumns = "SELECT id, merchant_id, url, description, event_types, state, create_time FROM webhook_endpoints ";
    public const string CreditColumns = """
        SELECT channel, account_servicer_ref, amount_minor, currency, reference, payment_id, state, reason, booking_date, debtor_name, debtor_account, source, first_time
        FROM bank_credits
        """;

    public static DateTimeOffset Time(DbDataReader r, int i) => DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(i));

    private static DateTimeOffset? OptionalTime(DbDataReader r, int i) => r.IsDBNull(i) ? null : Time(r, i);

    private static string? Text(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    public static Merchant Merchant(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetInt32(2) > 0 ? new RateLimit(r.GetInt32(2), r.GetInt32(3)) : null, Time(r, 4));

    public static ApiKey Key(DbDataReader r) =>
        new(r.GetString(0), (KeyRole)r.GetInt32(1), Text(r, 2), r.GetString(3), r.GetString(4), r.GetString(5), Time(r, 6), OptionalTime(r, 7), OptionalTime(r, 8),
            OptionalTime(r, 9));

    public static WebhookEndpoint Endpoint(DbDataReader r)
    {
        var types = r.GetString(4);
        return new WebhookEndpoint(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), types.Length == 0 ? [] : types.Split(','),
            (WebhookEndpointState)r.GetInt32(5), Time(r, 6));
    }

    public static BankCreditRecord Credit(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetString(3), Text(r, 4), Text(r, 5), (BankCreditState)r.GetInt32(6), r.GetString(7), r.GetString(8),
            Text(r, 9), Text(r, 10), r.GetString(11), Time(r, 12));

    /// <summary>An event from the columns sequence, payment_id, type, state, time, snapshot, refund_id, detail starting at <paramref name="first"/>.</summary>
    public static PaymentEvent Event(DbDataReader r, int first) =>
        new(r.GetInt64(first), r.GetString(first + 1), r.GetString(first + 2), (PaymentState)r.GetInt32(first + 3), Time(r, first + 4), r.GetString(first + 5),
            Text(r, first + 6), Text(r, first + 7));

    /// <summary>A claimed delivery: id, endpoint_id, url, secret_sealed, attempts, create_time, then the event's columns.</summary>
    public static DueDelivery Due(DbDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4), Time(r, 5), Event(r, 6));

    public static WebhookAttempt Attempt(DbDataReader r, int first) =>
        new(r.GetInt32(first), Time(r, first + 1), r.GetInt32(first + 2), r.GetString(first + 3), r.GetInt64(first + 4));
}
