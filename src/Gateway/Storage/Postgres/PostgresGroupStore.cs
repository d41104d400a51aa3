using Npgsql;
using Paygate.Gateway.Groups;
using Paygate.Gateway.Merchants;
using Paygate.Gateway.Payments;
using static Paygate.Gateway.Storage.Postgres.PostgresDatabase;

namespace Paygate.Gateway.Storage.Postgres;

/// <summary>
/// Groups in the shared database (schema v6). A payment's budget hold is written with the payment, in its transaction, after
/// locking its sub-account's row (<see cref="HoldAsync"/>); a payment that counts again (paid again) is checked the same way in its
/// update's transaction (<see cref="FitAsync"/>).
/// </summary>
public sealed class PostgresGroupStore(PostgresDatabase database) : IGroupStore
{
    private const string AccountColumns = "id, group_id, merchant_id, department_code, display_name, budget_currency, budget_minor, approval_threshold_minor, approvers, create_time";

    public Task InsertGroupAsync(Group group, AuditEntry audit, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, tx) =>
        {
            await ExecuteAsync(connection, tx, "INSERT INTO enterprise_groups (id, merchant_id, display_name, create_time) VALUES (@id, @m, @n, @t)", cancellationToken,
                ("id", group.Id), ("m", group.MerchantId), ("n", group.DisplayName), ("t", group.CreateTime.ToUnixTimeMilliseconds()));
            await PostgresAudit.WriteAsync(connection, tx, audit, cancellationToken);
        }, cancellationToken);

    public async Task<Group?> GetGroupAsync(string id, CancellationToken cancellationToken) =>
        (await database.ReadAsync(connection => QueryAsync(connection, null, "SELECT id, merchant_id, display_name, create_time FROM enterprise_groups WHERE id = @id",
            r => new Group(r.GetString(0), r.GetString(1), r.GetString(2), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3))), cancellationToken, ("id", id)),
            cancellationToken)).SingleOrDefault();

    public Task InsertMemberAsync(GroupMember member, AuditEntry audit, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, tx) =>
        {
            await ExecuteAsync(connection, tx, "INSERT INTO group_members (id, group_id, display_name, role, create_time) VALUES (@id, @g, @n, @r, @t)", cancellationToken,
                ("id", member.Id), ("g", member.GroupId), ("n", member.DisplayName), ("r", (long)member.Role), ("t", member.CreateTime.ToUnixTimeMilliseconds()));
            await PostgresAudit.WriteAsync(connection, tx, audit, cancellationToken);
        }, cancellationToken);

    public async Task<GroupMember?> GetMemberAsync(string id, CancellationToken cancellationToken) =>
        (await database.ReadAsync(connection => QueryAsync(connection, null, "SELECT id, group_id, display_name, role, create_time FROM group_members WHERE id = @id",
            r => new GroupMember(r.GetString(0), r.GetString(1), r.GetString(2), (MemberRole)r.GetInt64(3), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4))),
            cancellationToken, ("id", id)), cancellationToken)).SingleOrDefault();

    public Task<bool> TryInsertAccountAsync(SubAccount account, AuditEntry audit, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, tx) =>
        {
            var inserted = await ExecuteAsync(connection, tx, $"""
                INSERT INTO group_accounts ({AccountColumns}) VALUES (@id, @g, @m, @code, @n, @cur, @budget, @threshold, @approvers, @t)
                ON CONFLICT (group_id, department_code) DO NOTHING
                """, cancellationToken, ("id", account.Id), ("g", account.GroupId), ("m", account.MerchantId), ("code", account.DepartmentCode), ("n", account.DisplayName),
                ("cur", account.BudgetCurrency), ("budget", account.BudgetMinor), ("threshold", account.ApprovalThresholdMinor),
                ("approvers", GroupJson.Serialize(account.Approvers)), ("t", account.CreateTime.ToUnixTimeMilliseconds()));
            if (inserted == 1)
            {
                await PostgresAudit.WriteAsync(connection, tx, audit, cancellationToken);
            }
            return inserted == 1;
        }, cancellationToken);

    public async Task<SubAccount?> GetAccountAsync(string id, CancellationToken cancellationToken) =>
        (await database.ReadAsync(connection => QueryAsync(connection, null, $"SELECT {AccountColumns} FROM group_accounts WHERE id = @id", Account, cancellationToken,
            ("id", id)), cancellationToken)).SingleOrDefault();

    public async Task<IReadOnlyList<SubAccount>> ListAccountsAsync(string groupId, string? afterId, int limit, CancellationToken cancellationToken) =>
        await database.ReadAsync(connection => QueryAsync(connection, null,
            $"SELECT {AccountColumns} FROM group_accounts WHERE group_id = @g AND id > @after ORDER BY id LIMIT @limit", Account, cancellationToken,
            ("g", groupId), ("after", afterId ?? ""), ("limit", limit)), cancellationToken);

    public Task<long> UsedAsync(string accountId, string period, CancellationToken cancellationToken) =>
        database.ReadAsync(connection => UsedAsync(connection, null, accountId, period, "", cancellationToken), cancellationToken);

    /// <summary>What counts against the sub-account's budget in the period besides payment <paramref name="exceptPaymentId"/> (<see cref="BudgetHold"/>).</summary>
    internal static async Task<long> UsedAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string accountId, string period, string exceptPaymentId,
        CancellationToken cancellationToken) =>
        Convert.ToInt64(await ScalarAsync(connection, tx, BudgetHold.UsedSql("@"), cancellationToken, ("acc", accountId), ("period", period), ("pid", exceptPaymentId)),
            System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Checks a new booked payment against its sub-account's budget in the payment's transaction (<see cref="FitAsync"/>); returns the
    /// hold's insert, for the payment's batch.
    /// </summary>
    internal static async Task<NpgsqlBatchCommand> HoldAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Payment payment, CancellationToken cancellationToken)
    {
        if (BudgetHold.MustFit(payment.State))
        {
            await FitAsync(connection, tx, payment, cancellationToken);
        }
        var insert = new NpgsqlBatchCommand("INSERT INTO budget_holds (payment_id, account_id, period, amount_minor, create_time) VALUES (@pid, @acc, @period, @amount, @t)");
        insert.Parameters.AddWithValue("pid", payment.Id);
        insert.Parameters.AddWithValue("acc", payment.Group!.AccountId);
        insert.Parameters.AddWithValue("period", BudgetPeriod.Of(payment.CreateTime));
        insert.Parameters.AddWithValue("amount", payment.AmountMinor);
        insert.Parameters.AddWithValue("t", payment.CreateTime.ToUnixTimeMilliseconds());
        return insert;
    }

    /// <summary>
    /// Checks that a booked payment's amount fits in its sub-account's budget for its period with what else counts, in the payment's
    /// transaction: on its creation (<see cref="HoldAsync"/>), and when it counts again (<see cref="BudgetHold.MustFitAgain"/>). The
    /// sub-account's row is locked first (<c>FOR UPDATE</c>, held until the payment's commit), so payments for one sub-account from
    /// any instance are decided one after the other, each seeing what was committed before it. Throws
    /// <see cref="BudgetExceededException"/> when it does not fit.
    /// </summary>
    internal static async Task FitAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Payment payment, CancellationToken cancellationToken)
    {
        var booking = payment.Group!;
        var period = BudgetPeriod.Of(payment.CreateTime);
        var account = (await QueryAsync(connection, tx, "SELECT budget_minor, budget_currency FROM group_accounts WHERE id = @acc FOR UPDATE",
            r => (Budget: r.GetInt64(0), Currency: r.GetString(1)), cancellationToken, ("acc", booking.AccountId))).SingleOrDefault();
        if (account.Budget > 0)
        {
            var used = await UsedAsync(connection, tx, booking.AccountId, period, payment.Id, cancellationToken);
            if (used > account.Budget - payment.AmountMinor)
            {
                throw new BudgetExceededException(booking.AccountId, period, account.Currency, account.Budget, used, payment.AmountMinor);
            }
        }
    }

    public Task InsertBudgetChangeAsync(BudgetChange change, AuditEntry audit, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, tx) =>
        {
            await ExecuteAsync(connection, tx, "INSERT INTO budget_changes (id, group_id, state, version, body) VALUES (@id, @g, @s, 1, @body)", cancellationToken,
                ("id", change.Id), ("g", change.GroupId), ("s", (long)change.State), ("body", GroupJson.Serialize(change with { Version = 1 })));
            if (change.State == BudgetChangeState.Applied)
            {
                await ApplyBudgetAsync(connection, tx, change, cancellationToken);
            }
            await PostgresAudit.WriteAsync(connection, tx, audit, cancellationToken);
        }, cancellationToken);

    public async Task<BudgetChange?> GetBudgetChangeAsync(string id, CancellationToken cancellationToken) =>
        (await database.ReadAsync(connection => QueryAsync(connection, null, "SELECT body, version FROM budget_changes WHERE id = @id",
            r => GroupJson.DeserializeChange(r.GetString(0), r.GetInt64(1)), cancellationToken, ("id", id)), cancellationToken)).SingleOrDefault();

    public Task<bool> TryUpdateBudgetChangeAsync(BudgetChange change, long expectedVersion, AuditEntry audit, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, tx) =>
        {
            var saved = change with { Version = expectedVersion + 1 };
            if (await ExecuteAsync(connection, tx, "UPDATE budget_changes SET state = @s, version = @v, body = @body WHERE id = @id AND version = @expected", cancellationToken,
                    ("s", (long)change.State), ("v", saved.Version), ("body", GroupJson.Serialize(saved)), ("id", change.Id), ("expected", expectedVersion)) == 0)
            {
                return false;
            }
            if (change.State == BudgetChangeState.Applied)
            {
                await ApplyBudgetAsync(connection, tx, change, cancellationToken);
            }
            await PostgresAudit.WriteAsync(connection, tx, audit, cancellationToken);
            return true;
        }, cancellationToken);

    public async Task<IReadOnlyList<BudgetChange>> ListPendingBudgetChangesAsync(string groupId, int limit, CancellationToken cancellationToken) =>
        await database.ReadAsync(connection => QueryAsync(connection, null,
            "SELECT body, version FROM budget_changes WHERE group_id = @g AND state = @s ORDER BY id LIMIT @limit",
            r => GroupJson.DeserializeChange(r.GetString(0), r.GetInt64(1)), cancellationToken, ("g", groupId), ("s", (long)BudgetChangeState.Pending), ("limit", limit)),
            cancellationToken);

    public async Task<IReadOnlyList<string>> ListAwaitingApprovalAsync(string groupId, int limit, CancellationToken cancellationToken) =>
        await database.ReadAsync(connection => QueryAsync(connection, null,
            "SELECT id FROM payments WHERE group_id = @g AND state = @s ORDER BY create_time, id LIMIT @limit",
            r => r.GetString(0), cancellationToken, ("g", groupId), ("s", (int)PaymentState.AwaitingApproval), ("limit", limit)), cancellationToken);

    private static Task<int> ApplyBudgetAsync(NpgsqlConnection connection, NpgsqlTransaction tx, BudgetChange change, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, tx, "UPDATE group_accounts SET budget_minor = @b, approval_threshold_minor = @t WHERE id = @id", cancellationToken,
            ("b", change.BudgetMinor), ("t", change.ApprovalThresholdMinor), ("id", change.AccountId));

    private static SubAccount Account(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetInt64(6), r.GetInt64(7),
            GroupJson.DeserializeApprovers(r.GetString(8)), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(9)));
}
