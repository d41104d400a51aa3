using System.Globalization;
using Microsoft.Data.Sqlite;
using Paygate.Adapters.BankTransfer;
using Paygate.Gateway.Merchants;
using Paygate.Gateway.Payments;
using static Paygate.Gateway.Storage.Sqlite.SqliteDatabase;
using static Paygate.Gateway.Storage.StoreRows;

namespace Paygate.Gateway.Storage.Sqlite;

/// <summary>Bank credits in the gateway's SQLite database (schema v6).</summary>
public sealed class SqliteBankCreditStore(SqliteDatabase database) : IBankCreditStore
{
    public Task<BankCreditRecord?> AddOrGetAsync(string channel, BankCredit credit, string source, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, tx) =>
        {
            var inserted = Execute(connection, tx, """
                INSERT INTO bank_credits (account_servicer_ref, channel, amount_minor, currency, reference, payment_id, state, reason, booking_date, debtor_name, debtor_account, source, first_time)
                VALUES ($ref, $channel, $amount, $currency, $reference, NULL, 0, '', $booking, $debtor, $debtorAccount, $source, $now)
                ON CONFLICT (channel, account_servicer_ref) DO NOTHING
                """, ("$ref", credit.AccountServicerReference), ("$channel", channel), ("$amount", credit.IsReversal ? -credit.Amount.AmountMinor : credit.Amount.AmountMinor),
                ("$currency", credit.Amount.Currency.Code), ("$reference", credit.Reference), ("$booking", credit.BookingDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? ""),
                ("$debtor", credit.DebtorName), ("$debtorAccount", credit.DebtorAccount), ("$source", source), ("$now", now.ToUnixTimeMilliseconds()));
            return inserted == 1 ? null
                : Query(connection, tx, CreditColumns + " WHERE channel = $channel AND account_servicer_ref = $ref", Credit, ("$channel", channel), ("$ref", credit.AccountServicerReference)).Single();
        });

    public Task SettleAsync(string channel, string accountServicerReference, BankCreditState state, string? paymentId, string reason, AuditEntry? audit,
        CancellationToken cancellationToken) =>
        database.WriteAsync((connection, tx) =>
        {
            Execute(connection, tx,
                "UPDATE bank_credits SET state = $state, payment_id = $payment, reason = $reason WHERE channel = $channel AND account_servicer_ref = $ref",
                ("$state", (int)state), ("$payment", paymentId), ("$reason", reason), ("$channel", channel), ("$ref", accountServicerReference));
            if (audit is not null)
            {
                SqliteAudit.Write(connection, tx, audit);
            }
        });

    public Task SettleReversalAsync(string channel, string originalReference, string originalReason, string reversalReference, BankCreditState reversalState,
        string? paymentId, string reversalReason, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, tx) =>
        {
            const string Update = "UPDATE bank_credits SET state = $state, payment_id = $payment, reason = $reason WHERE channel = $channel AND account_servicer_ref = $ref";
            Execute(connection, tx, "UPDATE bank_credits SET state = $state, reason = $reason WHERE channel = $channel AND account_servicer_ref = $ref",
                ("$state", (int)BankCreditState.Reversed), ("$reason", originalReason), ("$channel", channel), ("$ref", originalReference));
            Execute(connection, tx, Update, ("$state", (int)reversalState), ("$payment", paymentId), ("$reason", reversalReason), ("$channel", channel), ("$ref", reversalReference));
        });

    public Task<BankCreditRecord?> FindAsync(string channel, string accountServicerReference, CancellationToken cancellationToken) =>
        Task.FromResult(List("WHERE channel = $channel AND account_servicer_ref = $ref", ("$channel", channel), ("$ref", accountServicerReference)).SingleOrDefault());

    public Task<BankCreditRecord?> MatchedForAsync(string paymentId, CancellationToken cancellationToken) =>
        Task.FromResult(List("WHERE payment_id = $payment AND state = 1 AND amount_minor > 0", ("$payment", paymentId)).FirstOrDefault());

    public Task<IReadOnlyList<BankCreditRecord>> FindReversibleAsync(string channel, string reference, long amountMinor, string currency, int limit,
        CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<BankCreditRecord>>(List("""
            WHERE channel = $channel AND reference = $reference AND amount_minor = $amount AND currency = $currency AND state IN (1, 2)
            ORDER BY first_time, account_servicer_ref LIMIT $limit
            """, ("$channel", channel), ("$reference", reference), ("$amount", amountMinor), ("$currency", currency), ("$limit", limit)));

    public Task<IReadOnlyList<BankCreditRecord>> InStateAsync(BankCreditState state, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<BankCreditRecord>>(List("WHERE state = $state ORDER BY first_time, account_servicer_ref LIMIT $limit", ("$state", (int)state), ("$limit", limit)));

    private List<BankCreditRecord> List(string tail, params (string, object?)[] parameters) =>
        database.Read(connection => Query(connection, null, CreditColumns + " " + tail, Credit, parameters));
}
