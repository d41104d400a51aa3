using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Paygate.Gateway.Groups;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Reports;

/// <summary>
/// The payments a bill or report covers, read from the store a page at a time (keyset on creation time and id), so that a
/// period of any size is walked in constant memory. Always scoped to one merchant: a group is read as that merchant's.
/// </summary>
public sealed class ReportPayments(IPaymentStore store, GroupAdministration groups, IOptions<ReportOptions> options)
{
    /// <summary>The merchant's payments (only <paramref name="groupId"/>'s when given) created in the period, oldest first, after <paramref name="after"/>.</summary>
    public async IAsyncEnumerable<Payment> ReadAsync(string merchantId, string? groupId, ReportPeriod period, PageCursor? after,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var size = options.Value.ReadPageSize;
        var cursor = after;
        while (true)
        {
            var page = await store.ListCreatedBetweenAsync(merchantId, groupId, period.Start, period.End, cursor, size, cancellationToken);
            foreach (var payment in page)
            {
                yield return payment;
            }
            if (page.Count < size)
            {
                yield break;
            }
            cursor = new PageCursor(page[^1].CreateTime, page[^1].Id);
        }
    }

    /// <summary>How many payments <see cref="ReadAsync"/> would give for the period (counted by the store, not read).</summary>
    public Task<long> CountAsync(string merchantId, string? groupId, ReportPeriod period, CancellationToken cancellationToken) =>
        store.CountCreatedBetweenAsync(merchantId, groupId, period.Start, period.End, cancellationToken);

    /// <summary>
    /// Checks that <paramref name="groupId"/> is one of the merchant's groups, through the group accounts' own lookup: a group
    /// with no payments yet has an (empty) bill. An id not in the groups' shape is INVALID_ARGUMENT; an unknown group and another
    /// merchant's group are the same NOT_FOUND (PM-6041, as everywhere else), so that a group id reveals nothing.
    /// </summary>
    public async Task EnsureGroupAsync(string merchantId, string groupId, CancellationToken cancellationToken)
    {
        if (!GroupIds.HasShape(groupId, GroupIds.GroupPrefix))
        {
            throw PaymentException.InvalidField("group_id", "must be a group id (grp_...)");
        }
        await groups.GetGroupAsync(merchantId, groupId, cancellationToken);
    }
}
