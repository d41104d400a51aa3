using System.Globalization;
using System.Xml.Linq;

namespace Paygate.Simulators.BankTransfer;

/// <summary>
/// Writes the bank's ISO 20022 documents: camt.054 notifications and camt.053 statements (version 08). A reversal is a
/// debit entry with <c>RvslInd</c> true and the original credit's references.
/// </summary>
internal static class CamtWriter
{
    private static readonly XNamespace Camt054 = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08";
    private static readonly XNamespace Camt053 = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08";

    public static string Notification(string messageId, string account, IEnumerable<BookedEntry> entries, DateTimeOffset now)
    {
        var ns = Camt054;
        return Document(ns, "BkToCstmrDbtCdtNtfctn", "Ntfctn", messageId, account, entries, now);
    }

    public static string Statement(string messageId, string account, IEnumerable<BookedEntry> entries, DateTimeOffset now) =>
        Document(Camt053, "BkToCstmrStmt", "Stmt", messageId, account, entries, now);

    private static string Document(XNamespace ns, string body, string report, string messageId, string account, IEnumerable<BookedEntry> entries, DateTimeOffset now)
    {
        var doc = new XDocument(new XDeclaration("1.0", "UTF-8", null),
            new XElement(ns + "Document",
                new XElement(ns + body,
                    new XElement(ns + "GrpHdr", new XElement(ns + "MsgId", messageId), new XElement(ns + "CreDtTm", now.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture))),
                    new XElement(ns + report,
                        new XElement(ns + "Id", messageId + "-1"),
                        new XElement(ns + "Acct", new XElement(ns + "Id", new XElement(ns + "Othr", new XElement(ns + "Id", account)))),
                        entries.Select(e => Entry(ns, e))))));
        return doc.Declaration + doc.ToString(SaveOptions.DisableFormatting);
    }

    private static XElement Entry(XNamespace ns, BookedEntry e)
    {
        var refs = new XElement(ns + "Refs", new XElement(ns + "EndToEndId", e.EndToEndId ?? "NOTPROVIDED"));
        var parties = new XElement(ns + "RltdPties",
            new XElement(ns + "Dbtr", new XElement(ns + "Pty", new XElement(ns + "Nm", e.DebtorName))),
            new XElement(ns + "DbtrAcct", new XElement(ns + "Id", new XElement(ns + "Othr", new XElement(ns + "Id", e.DebtorAccount)))));
        if (e.VirtualAccount is not null)
        {
            parties.Add(new XElement(ns + "CdtrAcct", new XElement(ns + "Id", new XElement(ns + "Othr", new XElement(ns + "Id", e.VirtualAccount)))));
        }
        var tx = new XElement(ns + "TxDtls", refs, parties);
        if (e.Remittance is not null)
        {
            tx.Add(new XElement(ns + "RmtInf", new XElement(ns + "Ustrd", e.Remittance)));
        }
        return new XElement(ns + "Ntry",
            new XElement(ns + "Amt", new XAttribute("Ccy", e.Currency), e.Amount),
            new XElement(ns + "CdtDbtInd", e.Reversal ? "DBIT" : "CRDT"),
            e.Reversal ? new XElement(ns + "RvslInd", "true") : null,
            new XElement(ns + "Sts", new XElement(ns + "Cd", "BOOK")),
            new XElement(ns + "BookgDt", new XElement(ns + "Dt", e.BookingDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))),
            new XElement(ns + "ValDt", new XElement(ns + "Dt", e.BookingDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))),
            new XElement(ns + "AcctSvcrRef", e.AccountServicerReference),
            new XElement(ns + "NtryDtls", tx));
    }
}
