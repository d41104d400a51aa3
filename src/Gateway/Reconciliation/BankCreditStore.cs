using Paygate.Adapters.BankTransfer;
using Paygate.Gateway.Storage;
using static Paygate.Gateway.Storage.SqliteDatabase;

namespace Paygate.Gateway.Reconciliation;

public enum BankCreditState
{
    Received = 0,
    Matched = 1,
    Held = 2,
    /// <summary>A held credit sent back to whoever paid it.</summary>
    Returned = 3,
}

/// <summary>A credit as the gateway keeps it, with what became of it.</summary>
public sealed record BankCreditRecord(string Channel, string AccountServicerReference, long AmountMinor, string Currency, string? Reference, string? PaymentId,
    BankCreditState State, string Reason, string BookingDate, string? DebtorName, string? DebtorAccount, string Source, DateTimeOffset FirstTime);

/// <summary>Every credit reported by a bank, so that a re-reported entry (the camt.053 repeating a camt.054) is recognised and none is lost.</summary>
public sealed class BankCreditStore(SqliteDatabase database)
{
    /// <summary>Records a newly reported credit; returns the record already there when the entry was seen before.</summary>
    public async Task<BankCreditRecord?> AddOrGetAsync(string channel, BankCredit credit, string source, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var inserted = await ExecuteAsync(connection, null, """
            INSERT INTO bank_credits (account_servicer_ref, channel, amount_minor, currency, reference, payment_id, state, reason, booking_date, debtor_name, debtor_account, source, first_time)
            VALUES ($ref, $channel, $amount, $currency, $reference, NULL, 0, '', $booking, $debtor, $debtorAccount, $source, $now)
            ON CONFLICT (channel, account_servicer_ref) DO NOTHING
            """, cancellationToken, ("$ref", credit.AccountServicerReference), ("$channel", channel), ("$amount", credit.Amount.AmountMinor),
            ("$currency", credit.Amount.Currency.Code), ("$reference", credit.Reference), ("$booking", credit.BookingDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
            ("$debtor", credit.DebtorName), ("$debtorAccount", credit.DebtorAccount), ("$source", source), ("$now", now.ToUnixTimeMilliseconds()));
        return inserted == 1 ? null : (await ListAsync("WHERE channel = $channel AND account_servicer_ref = $ref", cancellationToken, ("$channel", channel), ("$ref", credit.AccountServicerReference))).Single();
    }

    public async Task SettleAsync(string channel, string accountServicerReference, BankCreditState state, string? paymentId, string reason, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, "UPDATE bank_credits SET state = $state, payment_id = $payment, reason = $reason WHERE channel = $channel AND account_servicer_ref = $ref",
            cancellationToken, ("$state", (int)state), ("$payment", paymentId), ("$reason", reason), ("$channel", channel), ("$ref", accountServicerReference));
    }

    public async Task<BankCreditRecord?> FindAsync(string channel, string accountServicerReference, CancellationToken cancellationToken) =>
        (await ListAsync("WHERE channel = $channel AND account_servicer_ref = $ref", cancellationToken, ("$channel", channel), ("$ref", accountServicerReference))).SingleOrDefault();

    /// <summary>The credit already matched to a payment, if any.</summary>
    public async Task<BankCreditRecord?> MatchedForAsync(string paymentId, CancellationToken cancellationToken) =>
        (await ListAsync("WHERE payment_id = $payment AND state = 1", cancellationToken, ("$payment", paymentId))).FirstOrDefault();

    /// <summary>Credits in a state, oldest first.</summary>
    public Task<IReadOnlyList<BankCreditRecord>> InStateAsync(BankCreditState state, int limit, CancellationToken cancellationToken) =>
        ListAsync("WHERE state = $state ORDER BY first_time, account_servicer_ref LIMIT $limit", cancellationToken, ("$state", (int)state), ("$limit", limit));

    private async Task<IReadOnlyList<BankCreditRecord>> ListAsync(string tail, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, """
            SELECT channel, account_servicer_ref, amount_minor, currency, reference, payment_id, state, reason, booking_date, debtor_name, debtor_account, source, first_time
            FROM bank_credits
            """ + " " + tail, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<BankCreditRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            list.Add(new BankCreditRecord(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), Text(4), Text(5),
                (BankCreditState)reader.GetInt32(6), reader.GetString(7), reader.GetString(8), Text(9), Text(10), reader.GetString(11),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(12))));
        }
        return list;
    }
}
