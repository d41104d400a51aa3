using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Paygate.Adapters.Errors;
using Paygate.Gateway.Groups;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Reports;

/// <summary>
/// The payments a bill or report covers, read from the store a page at a time (keyset on creation time and id), so that a
/// period of any size is walked in constant memory. Always scoped to one merchant: a group is read as that merchant's.
/// </summary>
public sealed class ReportPayments(IPaymentStore store, IGroupStore groups, IOptions<ReportOptions> options)
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
    /// Checks that <paramref name="groupId"/> is one of the merchant's groups (<see cref="IGroupStore"/>): a group with no payment
    /// yet has an empty bill. Unknown groups and other merchants' groups are the same NOT_FOUND (PM-6071), so that a group id
    /// reveals nothing.
    /// </summary>
    public async Task EnsureGroupAsync(string merchantId, string groupId, CancellationToken cancellationToken)
    {
        if (!LooksLikeGroupId(groupId))
        {
            throw PaymentException.InvalidField("group_id", "must be a group id (grp_...)");
        }
        var group = await groups.GetGroupAsync(groupId, cancellationToken);
        if (group is null || group.MerchantId != merchantId)
        {
            throw new PaymentException(ErrorCatalogue.ReportGroupNotFound, $"no group {groupId}", [new FieldViolation("group_id", "no such group")]);
        }
    }

    /// <summary>A group id as the API shows them: <c>grp_</c> and up to 60 letters, digits, <c>_</c> or <c>-</c>.</summary>
    public static bool LooksLikeGroupId(string value) =>
        value.StartsWith("grp_", StringComparison.Ordinal) && value.Length is > 4 and <= 64 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
