using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using Paygate.Adapters.Money;

namespace Paygate.Adapters.BankTransfer;

/// <summary>
/// Reads ISO 20022 camt.054 (BkToCstmrDbtCdtNtfctn) and camt.053 (BkToCstmrStmt) documents of any version: real XML with
/// namespaces, several notifications or statements per document, several entries per notification, several
/// transactions per entry. Booked credits (<c>CdtDbtInd=CRDT</c>, <c>Sts=BOOK</c>) and booked reversals of credits
/// (<c>DBIT</c> with <c>RvslInd</c> true) come out; each is read per transaction when the entry details them (a batch
/// booking), else as the entry itself. A document that is not camt.053/054 is refused (DTDs too); an entry is never a
/// reason to refuse its document: one without the optional elements is read with what it has, one in a currency the
/// gateway does not collect is read in that currency, one whose amount cannot be read carries the problem.
/// </summary>
public static partial class CamtReader
{
    private const string NamespacePrefix = "urn:iso:std:iso:20022:tech:xsd:camt.05";

    /// <summary>ISO 4217's code for "no currency", for an entry whose amount names none.</summary>
    private static readonly Currency NoCurrency = new("XXX", 999, 2);

    /// <summary>Parses a document; throws <see cref="FormatException"/> naming what is wrong.</summary>
    /// <param name="xml">The document text.</param>
    /// <param name="referenceOf">Turns a creditor account id (a per-payment virtual account) into the reference it stands for, or null.</param>
    public static BankStatement Parse(string xml, Func<string, string?>? referenceOf = null)
    {
        XDocument doc;
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            doc = XDocument.Load(reader);
        }
        catch (XmlException ex)
        {
            throw new FormatException($"not well-formed XML: {ex.Message}");
        }
        var root = doc.Root ?? throw new FormatException("empty document");
        var ns = root.Name.Namespace;
        if (!ns.NamespaceName.StartsWith(NamespacePrefix, StringComparison.Ordinal))
        {
            throw new FormatException($"namespace '{ns.NamespaceName}' is not an ISO 20022 camt.053/054 one");
        }
        var kind = ns.NamespaceName[(NamespacePrefix.Length - "camt.05".Length)..].Split('.') is [var c, var n, ..] ? $"{c}.{n}" : "";
        var (bodyName, reportName) = kind switch
        {
            "camt.054" => ("BkToCstmrDbtCdtNtfctn", "Ntfctn"),
            "camt.053" => ("BkToCstmrStmt", "Stmt"),
            _ => throw new FormatException($"'{kind}' is neither camt.053 nor camt.054"),
        };
        var body = root.Element(ns + bodyName) ?? throw new FormatException($"{bodyName} missing");
        var messageId = body.Element(ns + "GrpHdr")?.Element(ns + "MsgId")?.Value ?? throw new FormatException("GrpHdr/MsgId missing");
        var reports = body.Elements(ns + reportName).ToList();
        if (reports.Count == 0)
        {
            throw new FormatException($"no {reportName} in the document");
        }
        string? account = null;
        var credits = new List<BankCredit>();
        for (var r = 0; r < reports.Count; r++)
        {
            var report = reports[r];
            var id = AccountId(report.Element(ns + "Acct"), ns) ?? throw new FormatException($"{reportName}/Acct/Id missing");
            if (account is not null && account != id)
            {
                throw new FormatException("the document reports on more than one account");
            }
            account = id;
            var position = 0;
            foreach (var entry in report.Elements(ns + "Ntry"))
            {
                credits.AddRange(Credits(entry, ns, messageId, $"{r + 1}.{++position}", referenceOf));
            }
        }
        return new BankStatement(kind, messageId, account!, credits);
    }

    private static IEnumerable<BankCredit> Credits(XElement entry, XNamespace ns, string messageId, string position, Func<string, string?>? referenceOf)
    {
        var status = entry.Element(ns + "Sts") is { } sts ? (sts.Element(ns + "Cd")?.Value ?? sts.Value).Trim() : "";
        var direction = entry.Element(ns + "CdtDbtInd")?.Value;
        var reversal = entry.Element(ns + "RvslInd")?.Value.Trim() is "true" or "1"; // an xs:boolean
        if (status != "BOOK" || !(direction == "CRDT" || (direction == "DBIT" && reversal)))
        {
            yield break;
        }
        var transactions = entry.Elements(ns + "NtryDtls").Elements(ns + "TxDtls").ToList();
        var entryId = EntryIdentity(entry, ns, messageId, position, transactions, direction == "DBIT");
        var (entryAmount, entryProblem) = ReadAmount(entry.Element(ns + "Amt"));
        if (direction == "CRDT" && reversal)
        {
            entryProblem ??= "a reversed debit (money the bank gave back, e.g. a refund or return that did not reach the payer)";
        }
        var dates = (ReadDate(entry.Element(ns + "BookgDt"), ns), ReadDate(entry.Element(ns + "ValDt"), ns));
        if (transactions.Count <= 1)
        {
            yield return Credit(entryId, entryAmount, entryProblem, transactions.FirstOrDefault(), dates, direction == "DBIT", ns, referenceOf);
            yield break;
        }
        // A batch booking: one credit per transaction, each under the entry's identity and its own position.
        var index = 0;
        foreach (var tx in transactions)
        {
            index++;
            var (amount, problem) = tx.Element(ns + "Amt") is { } txAmount ? ReadAmount(txAmount) : (new Money.Money(0, entryAmount.Currency), "the transaction has no Amt");
            yield return Credit($"{entryId}/{index}", amount, problem ?? entryProblem, tx, dates, direction == "DBIT", ns, referenceOf);
        }
    }

    /// <summary>
    /// The bank's <c>AcctSvcrRef</c> when it sends one. Without it: the transaction's <c>UETR</c> (one per payment across
    /// documents, so the camt.053 repeating a camt.054 is still recognised), else the document's message id with the
    /// entry's <c>NtryRef</c> or, lacking that too, its position (the same document sent again is recognised).
    /// </summary>
    private static string EntryIdentity(XElement entry, XNamespace ns, string messageId, string position, List<XElement> transactions, bool reversal)
    {
        if (entry.Element(ns + "AcctSvcrRef")?.Value.Trim() is { Length: > 0 } bankReference)
        {
            return bankReference;
        }
        var uetr = transactions.Count == 1 ? transactions[0].Element(ns + "Refs")?.Element(ns + "UETR")?.Value.Trim() : null;
        var id = uetr is { Length: > 0 } ? "UETR:" + uetr
            : entry.Element(ns + "NtryRef")?.Value.Trim() is { Length: > 0 } entryRef ? $"{messageId}/{entryRef}"
            : $"{messageId}/#{position}";
        return reversal ? id + "/RVSL" : id;
    }

    private static BankCredit Credit(string entryId, Money.Money amount, string? problem, XElement? tx, (DateOnly? Booking, DateOnly? Value) dates, bool reversal,
        XNamespace ns, Func<string, string?>? referenceOf)
    {
        var refs = tx?.Element(ns + "Refs");
        var endToEnd = refs?.Element(ns + "EndToEndId")?.Value;
        if (endToEnd == "NOTPROVIDED")
        {
            endToEnd = null;
        }
        var uetr = refs?.Element(ns + "UETR")?.Value;
        var ustrd = tx?.Element(ns + "RmtInf")?.Elements(ns + "Ustrd").Select(u => u.Value).ToList() ?? [];
        var parties = tx?.Element(ns + "RltdPties");
        var debtor = parties?.Element(ns + "Dbtr");
        var debtorName = (debtor?.Element(ns + "Pty") ?? debtor)?.Element(ns + "Nm")?.Value;
        var debtorAccount = AccountId(parties?.Element(ns + "DbtrAcct"), ns);
        var creditorAccount = AccountId(parties?.Element(ns + "CdtrAcct"), ns);
        var reference = endToEnd
            ?? ustrd.Select(u => ReferencePattern().Match(u)).FirstOrDefault(m => m.Success)?.Value
            ?? (creditorAccount is not null ? referenceOf?.Invoke(creditorAccount) : null);
        return new BankCredit(entryId, amount, reference, endToEnd, uetr, ustrd, dates.Booking, dates.Value, debtorName, debtorAccount, reversal, problem);
    }

    /// <summary>The amount, or a zero one with the reason it cannot be read: one bad entry never costs the others.</summary>
    private static (Money.Money Amount, string? Problem) ReadAmount(XElement? amount)
    {
        var code = amount?.Attribute("Ccy")?.Value.Trim();
        if (!BankCurrency.TryFind(code, out var currency))
        {
            return (new Money.Money(0, NoCurrency), $"the amount has no ISO 4217 currency ('{code}')");
        }
        return Money.Money.TryParseMajorUnits(amount!.Value.Trim(), currency, out var money) && money.AmountMinor > 0
            ? (money, null)
            : (new Money.Money(0, currency), $"amount '{amount.Value.Trim()}' is not a positive {currency.Code} amount with at most {currency.MinorUnits} decimals");
    }

    private static DateOnly? ReadDate(XElement? element, XNamespace ns)
    {
        var text = element?.Element(ns + "Dt")?.Value ?? element?.Element(ns + "DtTm")?.Value;
        return text is { Length: >= 10 } && DateOnly.TryParseExact(text[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
    }

    private static string? AccountId(XElement? account, XNamespace ns)
    {
        var id = account?.Element(ns + "Id");
        return id?.Element(ns + "IBAN")?.Value ?? id?.Element(ns + "Othr")?.Element(ns + "Id")?.Value;
    }

    /// <summary>A gateway payment reference quoted in free text: 26 Crockford base32 characters, <c>A</c> and the attempt number.</summary>
    [GeneratedRegex("[0-9A-HJKMNP-TV-Z]{26}A[0-9]{2}")]
    private static partial Regex ReferencePattern();
}
