namespace Paygate.Adapters.BankTransfer;

/// <summary>
/// One booked credit to the merchant's account, or the reversal of one, as a bank reports it in a camt.054 notification or
/// a camt.053 statement. The gateway matches it to a payment by <see cref="Reference"/>.
/// </summary>
/// <param name="AccountServicerReference">The entry's identity: the bank's unique id of the entry (<c>AcctSvcrRef</c>), which
/// the same entry carries in a camt.054 and in the day's camt.053; for an entry without one, see <see cref="CamtReader"/>.</param>
/// <param name="Amount">What was credited (or, for a reversal, taken back), with its currency (<c>Amt@Ccy</c>); a currency
/// the gateway does not collect is described by <see cref="BankCurrency"/>.</param>
/// <param name="Reference">The payment reference the payer quoted (<c>EndToEndId</c>, a reference in <c>RmtInf/Ustrd</c>,
/// or the one a per-payment virtual account stands for); null when none can be read.</param>
/// <param name="EndToEndId">The <c>EndToEndId</c> as sent, if any.</param>
/// <param name="Uetr">The <c>UETR</c> as sent, if any.</param>
/// <param name="RemittanceInformation">The unstructured remittance lines (<c>RmtInf/Ustrd</c>).</param>
/// <param name="BookingDate">The booking date (<c>BookgDt</c>), when the bank says.</param>
/// <param name="ValueDate">The value date (<c>ValDt</c>), when the bank says.</param>
/// <param name="DebtorName">Who paid, when the bank says.</param>
/// <param name="DebtorAccount">The payer's account (IBAN or other id), where a refund goes back to.</param>
/// <param name="IsReversal">The entry reverses an earlier credit (<c>CdtDbtInd=DBIT</c> with <c>RvslInd</c> true): the bank took
/// the money back. It carries the original's references.</param>
/// <param name="Problem">Why the entry cannot be matched as read (an amount that cannot be read), or null.</param>
public sealed record BankCredit(
    string AccountServicerReference,
    Money.Money Amount,
    string? Reference,
    string? EndToEndId,
    string? Uetr,
    IReadOnlyList<string> RemittanceInformation,
    DateOnly? BookingDate,
    DateOnly? ValueDate,
    string? DebtorName,
    string? DebtorAccount,
    bool IsReversal = false,
    string? Problem = null);

/// <summary>What a bank sent: the kind of document and the booked credits and reversals of credits in it (other debits and
/// unbooked entries left out).</summary>
/// <param name="Kind"><c>camt.054</c> (a notification, pushed) or <c>camt.053</c> (an end-of-day statement, pulled).</param>
/// <param name="MessageId">The document's <c>GrpHdr/MsgId</c>.</param>
/// <param name="Account">The account it reports on (IBAN or other id).</param>
/// <param name="Credits">The booked credits and reversals, in document order.</param>
public sealed record BankStatement(string Kind, string MessageId, string Account, IReadOnlyList<BankCredit> Credits);
