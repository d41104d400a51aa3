using System.Globalization;
using System.Security.Cryptography;
using Paygate.Simulators.Settlement;

namespace Paygate.Simulators.Card;

/// <summary>The simulated acquirer's daily settlement reports: one per merchant account and UTC day, one payout batch each.</summary>
public sealed partial class CardAcquirerSimulator
{
    /// <summary>Basis points of each capture the acquirer keeps as its fee (2.9%); refunds do not give it back.</summary>
    public const int FeeBasisPoints = 290;

    /// <summary>How this acquirer's settlement reports depart from what it settled (for tests and drills).</summary>
    public SettlementFaults Settlement { get; } = new();

    /// <summary>The report of <paramref name="day"/> as CSV (see <see cref="CardSettlementReportWriter"/>), with the fault plan applied.</summary>
    internal string SettlementReport(CardSandboxAccount account, DateOnly day)
    {
        var settled = Settlement.Apply(SettledOn(account.MerchantAccount, day), _clock.GetUtcNow(), "USD", "captured",
            () => "pay_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
        return Settlement.Damage(CardSettlementReportWriter.Write(account.MerchantAccount, day, settled));
    }

    /// <summary>What this account's payments really settled on a (UTC) day: each capture and each refund in the ledger.</summary>
    public IReadOnlyList<SettledTransaction> SettledOn(string merchantAccount, DateOnly day)
    {
        lock (_gate)
        {
            var result = new List<SettledTransaction>();
            foreach (var entry in _ledger.Where(e => SettledTransaction.OnDay(e.Time, day, TimeSpan.Zero)))
            {
                if (!_payments.TryGetValue((merchantAccount, entry.Reference), out var payment))
                {
                    continue;
                }
                result.Add(entry.Kind == "refund"
                    ? new SettledTransaction("refund", entry.Reference, entry.RefundReference, payment.Id, entry.Amount, entry.Currency, 0, "refunded", entry.Time)
                    : new SettledTransaction("payment", entry.Reference, null, payment.Id, entry.Amount, entry.Currency,
                        SettledTransaction.Fee(entry.Amount, FeeBasisPoints, false), "captured", entry.Time));
            }
            return result;
        }
    }
}
