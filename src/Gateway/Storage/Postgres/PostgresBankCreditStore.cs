using System.Globalization;
using Npgsql;
using Paygate.Adapters.BankTransfer;
using Paygate.Gateway.Merchants;
using Paygate.Gateway.Payments;
using static Paygate.Gateway.Storage.Postgres.PostgresDatabase;
using static Paygate.Gateway.Storage.StoreRows;

namespace Paygate.Gateway.Storage.Postgres;

/// <summary>Bank credits in the shared database; an entry reported to two instances at once is inserted once (its key).</summary>
public sealed class PostgresBankCreditStore(PostgresDatabase database) : IBankCreditStore
{
    private const string Update = "UPDATE bank_credits SET state = @state, payment_id = @payment, reason = @reason WHERE channel = @channel AND account_servicer_ref = @ref";

    public Task<BankCreditRecord?> AddOrGetAsync(string channel, BankCredit credit, string source, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, tx) =>
        {
            var inserted = await ExecuteAsync(connection, tx, """
                INSERT INTO bank_credits (account_servicer_ref, channel, amount_minor, currency, reference, payment_id, state, reason, booking_date, debtor_name, debtor_account, source, first_time)
                VALUES (@ref, @channel, @amount, @currency, @reference, NULL, 0, '', @booking, @debtor, @debtorAccount, @source, @now)
                ON CONFLICT (channel, account_servicer_ref) DO NOTHING
                """, cancellationToken, ("ref", credit.AccountServicerReference), ("channel", channel),
                ("amount", credit.IsReversal ? -credit.Amount.AmountMinor : credit.Amount.AmountMinor), ("currency", credit.Amount.Currency.Code), ("reference", credit.Reference),
                ("booking", credit.BookingDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? ""), ("debtor", credit.DebtorName),
                ("debtorAccount", credit.DebtorAccount), ("source", source), ("now", now.ToUnixTimeMilliseconds()));
            return inserted == 1 ? null
                : (await QueryAsync(connection, tx, CreditColumns + " WHERE channel = @channel AND account_servicer_ref = @ref", Credit, cancellationToken,
                    ("channel", channel), ("ref", credit.AccountServicerReference))).Single();
        }, cancellationToken);

    public Task SettleAsync(string channel, string accountServicerReference, BankCreditState state, string? paymentId, string reason, AuditEntry? audit,
        CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, tx) =>
        {
            await ExecuteAsync(connection, tx, Update, cancellationToken,
                ("state", (int)state), ("payment", paymentId), ("reason", reason), ("channel", channel), ("ref", accountServicerReference));
            if (audit is not null)
            {
                await PostgresAudit.WriteAsync(connection, tx, audit, cancellationToken);
            }
        }, cancellationToken);

    public Task SettleReversalAsync(string channel, string originalReference, string originalReason, string reversalReference, BankCreditState reversalState,
        string? paymentId, string reversalReason, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, tx) =>
        {
            await ExecuteAsync(connection, tx, "UPDATE bank_credits SET state = @state, reason = @reason WHERE channel = @channel AND account_servicer_ref = @ref",
                cancellationToken, ("state", (int)BankCreditState.Reversed), ("reason", originalReason), ("channel", channel), ("ref", originalReference));
            await ExecuteAsync(connection, tx, Update, cancellationToken,
                ("state", (int)reversalState), ("payment", paymentId), ("reason", reversalReason), ("channel", channel), ("ref", reversalReference));
        }, cancellationToken);

    public async Task<BankCreditRecord?> FindAsync(string channel, string accountServicerReference, CancellationToken cancellationToken) =>
        (await ListAsync("WHERE channel = @channel AND account_servicer_ref = @ref", cancellationToken, ("channel", channel), ("ref", accountServicerReference))).SingleOrDefault();

    public async Task<BankCreditRecord?> MatchedForAsync(string paymentId, CancellationToken cancellationToken) =>
        (await ListAsync("WHERE payment_id = @payment AND state = 1 AND amount_minor > 0", cancellationToken, ("payment", paymentId))).FirstOrDefault();

    public async Task<IReadOnlyList<BankCreditRecord>> FindReversibleAsync(string channel, string reference, long amountMinor, string currency, int limit,
        CancellationToken cancellationToken) =>
        await ListAsync("""
            WHERE channel = @channel AND reference = @reference AND amount_minor = @amount AND currency = @currency AND state IN (1, 2)
            ORDER BY first_time, account_servicer_ref LIMIT @limit
            """, cancellationToken, ("channel", channel), ("reference", reference), ("amount", amountMinor), ("currency", currency), ("limit", limit));

    public async Task<IReadOnlyList<BankCreditRecord>> InStateAsync(BankCreditState state, int limit, CancellationToken cancellationToken) =>
        await ListAsync("WHERE state = @state ORDER BY first_time, account_servicer_ref LIMIT @limit", cancellationToken, ("state", (int)state), ("limit", limit));

    private Task<List<BankCreditRecord>> ListAsync(string tail, CancellationToken cancellationToken, params (string, object?)[] parameters) =>
        database.ReadAsync(connection => QueryAsync(connection, null, CreditColumns + " " + tail, Credit, cancellationToken, parameters), cancellationToken);
}
