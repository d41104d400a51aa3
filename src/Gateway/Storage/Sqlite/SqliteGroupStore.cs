using Microsoft.Data.Sqlite;
using Paygate.Gateway.Groups;
using Paygate.Gateway.Merchants;
using Paygate.Gateway.Payments;
using static Paygate.Gateway.Storage.Sqlite.SqliteDatabase;

namespace Paygate.Gateway.Storage.Sqlite;

/// <summary>
/// Groups in the embedded database (schema v15). A payment's budget hold is written with the payment, in its unit of the single
/// writer (<see cref="Hold"/>), so two payments at once are decided one after the other; a payment that counts again (paid again)
/// is checked the same way in its update's unit (<see cref="Fit"/>).
/// </summary>
public sealed class SqliteGroupStore(SqliteDatabase database) : IGroupStore
{
    private const string AccountColumns = "id, group_id, merchant_id, department_code, display_name, budget_currency, budget_minor, approval_threshold_minor, approvers, create_time";

    public Task InsertGroupAsync(Group group, AuditEntry audit, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, tx) =>
        {
            Execute(connection, tx, "INSERT INTO enterprise_groups (id, merchant_id, display_name, create_time) VALUES ($id, $m, $n, $t)",
                ("$id", group.Id), ("$m", group.MerchantId), ("$n", group.DisplayName), ("$t", group.CreateTime.ToUnixTimeMilliseconds()));
            SqliteAudit.Write(connection, tx, audit);
        });

    public Task<Group?> GetGroupAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(database.Read(connection => Query(connection, null, "SELECT id, merchant_id, display_name, create_time FROM enterprise_groups WHERE id = $id",
            r => new Group(r.GetString(0), r.GetString(1), r.GetString(2), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3))), ("$id", id)).SingleOrDefault()));

    public Task InsertMemberAsync(GroupMember member, AuditEntry audit, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, tx) =>
        {
            Execute(connection, tx, "INSERT INTO group_members (id, group_id, display_name, role, create_time) VALUES ($id, $g, $n, $r, $t)",
                ("$id", member.Id), ("$g", member.GroupId), ("$n", member.DisplayName), ("$r", (int)member.Role), ("$t", member.CreateTime.ToUnixTimeMilliseconds()));
            SqliteAudit.Write(connection, tx, audit);
        });

    public Task<GroupMember?> GetMemberAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(database.Read(connection => Query(connection, null, "SELECT id, group_id, display_name, role, create_time FROM group_members WHERE id = $id",
            r => new GroupMember(r.GetString(0), r.GetString(1), r.GetString(2), (MemberRole)r.GetInt32(3), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4))),
            ("$id", id)).SingleOrDefault()));

    public Task<bool> TryInsertAccountAsync(SubAccount account, AuditEntry audit, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, tx) =>
        {
            var inserted = Execute(connection, tx, $"""
                INSERT INTO group_accounts ({AccountColumns}) VALUES ($id, $g, $m, $code, $n, $cur, $budget, $threshold, $approvers, $t)
                ON CONFLICT (group_id, department_code) DO NOTHING
                """, ("$id", account.Id), ("$g", account.GroupId), ("$m", account.MerchantId), ("$code", account.DepartmentCode), ("$n", account.DisplayName),
                ("$cur", account.BudgetCurrency), ("$budget", account.BudgetMinor), ("$threshold", account.ApprovalThresholdMinor),
                ("$approvers", GroupJson.Serialize(account.Approvers)), ("$t", account.CreateTime.ToUnixTimeMilliseconds()));
            if (inserted == 1)
            {
                SqliteAudit.Write(connection, tx, audit);
            }
            return inserted == 1;
        });

    public Task<SubAccount?> GetAccountAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(database.Read(connection => Query(connection, null, $"SELECT {AccountColumns} FROM group_accounts WHERE id = $id", Account, ("$id", id)).SingleOrDefault()));

    public Task<IReadOnlyList<SubAccount>> ListAccountsAsync(string groupId, string? afterId, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SubAccount>>(database.Read(connection => Query(connection, null,
            $"SELECT {AccountColumns} FROM group_accounts WHERE group_id = $g AND id > $after ORDER BY id LIMIT $limit", Account,
            ("$g", groupId), ("$after", afterId ?? ""), ("$limit", limit))));

    public Task<long> UsedAsync(string accountId, string period, CancellationToken cancellationToken) =>
        Task.FromResult(database.Read(connection => Used(connection, null, accountId, period, "")));

    /// <summary>What counts against the sub-account's budget in the period besides payment <paramref name="exceptPaymentId"/> (<see cref="BudgetHold"/>).</summary>
    internal static long Used(SqliteConnection connection, SqliteTransaction? tx, string accountId, string period, string exceptPaymentId) =>
        Convert.ToInt64(Scalar(connection, tx, BudgetHold.UsedSql("$"), ("$acc", accountId), ("$period", period), ("$pid", exceptPaymentId)),
            System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Holds a new booked payment's amount against its sub-account's budget, in the payment's unit (the single writer decides one
    /// unit at a time); throws <see cref="BudgetExceededException"/> when it does not fit, which rolls the unit back.
    /// </summary>
    internal static void Hold(SqliteConnection connection, SqliteTransaction tx, Payment payment)
    {
        if (BudgetHold.MustFit(payment.State))
        {
            Fit(connection, tx, payment);
        }
        Execute(connection, tx, "INSERT INTO budget_holds (payment_id, account_id, period, amount_minor, create_time) VALUES ($pid, $acc, $period, $amount, $t)",
            ("$pid", payment.Id), ("$acc", payment.Group!.AccountId), ("$period", BudgetPeriod.Of(payment.CreateTime)), ("$amount", payment.AmountMinor),
            ("$t", payment.CreateTime.ToUnixTimeMilliseconds()));
    }

    /// <summary>
    /// Checks, in the payment's unit, that a booked payment's amount fits in its sub-account's budget for its period with what else
    /// counts: on its creation (<see cref="Hold"/>), and when it counts again (<see cref="BudgetHold.MustFitAgain"/>). Throws
    /// <see cref="BudgetExceededException"/> when it does not, which rolls the unit back.
    /// </summary>
    internal static void Fit(SqliteConnection connection, SqliteTransaction tx, Payment payment)
    {
        var booking = payment.Group!;
        var period = BudgetPeriod.Of(payment.CreateTime);
        if (Query(connection, tx, "SELECT budget_minor, budget_currency FROM group_accounts WHERE id = $acc", r => (r.GetInt64(0), r.GetString(1)), ("$acc", booking.AccountId))
                .SingleOrDefault() is ( > 0 and var budget, var currency))
        {
            var used = Used(connection, tx, booking.AccountId, period, payment.Id);
            if (used > budget - payment.AmountMinor)
            {
                throw new BudgetExceededException(booking.AccountId, period, currency, budget, used, payment.AmountMinor);
            }
        }
    }

    public Task InsertBudgetChangeAsync(BudgetChange change, AuditEntry audit, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, tx) =>
        {
            Execute(connection, tx, "INSERT INTO budget_changes (id, group_id, state, version, body) VALUES ($id, $g, $s, 1, $body)",
                ("$id", change.Id), ("$g", change.GroupId), ("$s", (int)change.State), ("$body", GroupJson.Serialize(change with { Version = 1 })));
            if (change.State == BudgetChangeState.Applied)
            {
                ApplyBudget(connection, tx, change);
            }
            SqliteAudit.Write(connection, tx, audit);
        });

    public Task<BudgetChange?> GetBudgetChangeAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(database.Read(connection => Query(connection, null, "SELECT body, version FROM budget_changes WHERE id = $id",
            r => GroupJson.DeserializeChange(r.GetString(0), r.GetInt64(1)), ("$id", id)).SingleOrDefault()));

    public Task<bool> TryUpdateBudgetChangeAsync(BudgetChange change, long expectedVersion, AuditEntry audit, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, tx) =>
        {
            var saved = change with { Version = expectedVersion + 1 };
            if (Execute(connection, tx, "UPDATE budget_changes SET state = $s, version = $v, body = $body WHERE id = $id AND version = $expected",
                    ("$s", (int)change.State), ("$v", saved.Version), ("$body", GroupJson.Serialize(saved)), ("$id", change.Id), ("$expected", expectedVersion)) == 0)
            {
                return false;
            }
            if (change.State == BudgetChangeState.Applied)
            {
                ApplyBudget(connection, tx, change);
            }
            SqliteAudit.Write(connection, tx, audit);
            return true;
        });

    public Task<IReadOnlyList<BudgetChange>> ListPendingBudgetChangesAsync(string groupId, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<BudgetChange>>(database.Read(connection => Query(connection, null,
            "SELECT body, version FROM budget_changes WHERE group_id = $g AND state = $s ORDER BY id LIMIT $limit",
            r => GroupJson.DeserializeChange(r.GetString(0), r.GetInt64(1)), ("$g", groupId), ("$s", (int)BudgetChangeState.Pending), ("$limit", limit))));

    public Task<IReadOnlyList<string>> ListAwaitingApprovalAsync(string groupId, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(database.Read(connection => Query(connection, null,
            "SELECT id FROM payments WHERE group_id = $g AND state = $s ORDER BY create_time, id LIMIT $limit",
            r => r.GetString(0), ("$g", groupId), ("$s", (int)PaymentState.AwaitingApproval), ("$limit", limit))));

    private static void ApplyBudget(SqliteConnection connection, SqliteTransaction tx, BudgetChange change) =>
        Execute(connection, tx, "UPDATE group_accounts SET budget_minor = $b, approval_threshold_minor = $t WHERE id = $id",
            ("$b", change.BudgetMinor), ("$t", change.ApprovalThresholdMinor), ("$id", change.AccountId));

    private static SubAccount Account(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetInt64(6), r.GetInt64(7),
            GroupJson.DeserializeApprovers(r.GetString(8)), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(9)));
}
