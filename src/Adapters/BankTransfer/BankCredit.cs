namespace Paygate.Adapters.BankTransfer;

/// <summary>
/// One booked credit to the merchant's account, as a bank reports it in a camt.054 notification or a camt.053 statement.
/// The gateway matches it to a payment by <see cref="Reference"/>.
/// </summary>
/// <param name="AccountServicerReference">The bank's unique id of the entry (<c>AcctSvcrRef</c>): the same entry in a
/// camt.054 and in the day's camt.053 carries the same one.</param>
/// <param name="Amount">What was credited, with its currency (<c>Amt@Ccy</c>).</param>
/// <param name="Reference">The payment reference the payer quoted (<c>EndToEndId</c>, a reference in <c>RmtInf/Ustrd</c>,
/// or the one a per-payment virtual account stands for); null when none can be read.</param>
/// <param name="EndToEndId">The <c>EndToEndId</c> as sent, if any.</param>
/// <param name="Uetr">The <c>UETR</c> as sent, if any.</param>
/// <param name="RemittanceInformation">The unstructured remittance lines (<c>RmtInf/Ustrd</c>).</param>
/// <param name="BookingDate">The booking date (<c>BookgDt</c>).</param>
/// <param name="ValueDate">The value date (<c>ValDt</c>).</param>
/// <param name="DebtorName">Who paid, when the bank says.</param>
/// <param name="DebtorAccount">The payer's account (IBAN or other id), where a refund goes back to.</param>
public sealed record BankCredit(
    string AccountServicerReference,
    Money.Money Amount,
    string? Reference,
    string? EndToEndId,
    string? Uetr,
    IReadOnlyList<string> RemittanceInformation,
    DateOnly BookingDate,
    DateOnly ValueDate,
    string? DebtorName,
    string? DebtorAccount);

/// <summary>What a bank sent: the kind of document and the booked credits in it (debits and unbooked entries left out).</summary>
/// <param name="Kind"><c>camt.054</c> (a notification, pushed) or <c>camt.053</c> (an end-of-day statement, pulled).</param>
/// <param name="MessageId">The document's <c>GrpHdr/MsgId</c>.</param>
/// <param name="Account">The account it reports on (IBAN or other id).</param>
/// <param name="Credits">The booked credits, in document order.</param>
public sealed record BankStatement(string Kind, string MessageId, string Account, IReadOnlyList<BankCredit> Credits);
