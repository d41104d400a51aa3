using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using Paygate.Adapters.Money;

namespace Paygate.Adapters.BankTransfer;

/// <summary>
/// Reads ISO 20022 camt.054 (BkToCstmrDbtCdtNtfctn) and camt.053 (BkToCstmrStmt) documents of any version: real XML with
/// namespaces, several notifications or statements per document, several entries per notification, several
/// transactions per entry. Only booked credits (<c>CdtDbtInd=CRDT</c>, <c>Sts=BOOK</c>) come out; each is read per
/// transaction when the entry details them (a batch booking), else as the entry itself. DTDs are refused.
/// </summary>
public static partial class CamtReader
{
    private const string NamespacePrefix = "urn:iso:std:iso:20022:tech:xsd:camt.05";

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
        foreach (var report in reports)
        {
            var id = AccountId(report.Element(ns + "Acct"), ns) ?? throw new FormatException($"{reportName}/Acct/Id missing");
            if (account is not null && account != id)
            {
                throw new FormatException("the document reports on more than one account");
            }
            account = id;
            foreach (var entry in report.Elements(ns + "Ntry"))
            {
                credits.AddRange(Credits(entry, ns, referenceOf));
            }
        }
        return new BankStatement(kind, messageId, account!, credits);
    }

    private static IEnumerable<BankCredit> Credits(XElement entry, XNamespace ns, Func<string, string?>? referenceOf)
    {
        var status = entry.Element(ns + "Sts") is { } sts ? (sts.Element(ns + "Cd")?.Value ?? sts.Value).Trim() : "";
        if (entry.Element(ns + "CdtDbtInd")?.Value != "CRDT" || status != "BOOK")
        {
            yield break;
        }
        var entryRef = entry.Element(ns + "AcctSvcrRef")?.Value ?? throw new FormatException("a booked entry has no AcctSvcrRef");
        var entryAmount = ReadAmount(entry.Element(ns + "Amt"), entryRef);
        var booking = ReadDate(entry.Element(ns + "BookgDt"), ns, "BookgDt", entryRef);
        var value = ReadDate(entry.Element(ns + "ValDt"), ns, "ValDt", entryRef);
        var transactions = entry.Elements(ns + "NtryDtls").Elements(ns + "TxDtls").ToList();
        if (transactions.Count <= 1)
        {
            yield return Credit(entryRef, entryAmount, transactions.FirstOrDefault(), booking, value, ns, referenceOf);
            yield break;
        }
        // A batch booking: one credit per transaction, each under the entry's reference and its own position.
        var index = 0;
        foreach (var tx in transactions)
        {
            index++;
            var amount = tx.Element(ns + "Amt") is { } txAmount ? ReadAmount(txAmount, entryRef) : throw new FormatException($"entry {entryRef}: transaction {index} has no Amt");
            yield return Credit($"{entryRef}/{index}", amount, tx, booking, value, ns, referenceOf);
        }
    }

    private static BankCredit Credit(string entryRef, Money.Money amount, XElement? tx, DateOnly booking, DateOnly value, XNamespace ns, Func<string, string?>? referenceOf)
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
        return new BankCredit(entryRef, amount, reference, endToEnd, uetr, ustrd, booking, value, debtorName, debtorAccount);
    }

    private static Money.Money ReadAmount(XElement? amount, string entryRef)
    {
        var code = amount?.Attribute("Ccy")?.Value;
        if (amount is null || !Currency.TryFind(code, out var currency))
        {
            throw new FormatException($"entry {entryRef}: Amt or its Ccy missing or not a currency this gateway takes ('{code}')");
        }
        return Money.Money.TryParseMajorUnits(amount.Value.Trim(), currency, out var money) && money.AmountMinor > 0
            ? money
            : throw new FormatException($"entry {entryRef}: amount '{amount.Value}' is not a positive {currency.Code} amount with at most {currency.MinorUnits} decimals");
    }

    private static DateOnly ReadDate(XElement? element, XNamespace ns, string name, string entryRef)
    {
        var text = element?.Element(ns + "Dt")?.Value ?? element?.Element(ns + "DtTm")?.Value?[..10];
        return text is not null && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new FormatException($"entry {entryRef}: {name} missing or not a date");
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
