using Paygate.Adapters.BankTransfer;
using Paygate.Adapters.Money;

namespace Paygate.Adapters.Tests.BankTransfer;

public sealed class CamtReaderTests
{
    private const string Ref1 = "01KMZ6Q4W5T8M2N3P4R5S6T7V8A01";
    private const string Ref2 = "01KMZ6Q4W5T8M2N3P4R5S6T7V9A02";

    // A camt.054 with a prefixed namespace, two entries (one by EndToEndId, one by a reference in the remittance text),
    // a debit and a pending credit that must be left out.
    private const string Camt054 = $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <c:Document xmlns:c="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">
          <c:BkToCstmrDbtCdtNtfctn>
            <c:GrpHdr><c:MsgId>NTF-20261126-0001</c:MsgId><c:CreDtTm>2026-11-26T10:00:00+08:00</c:CreDtTm></c:GrpHdr>
            <c:Ntfctn>
              <c:Id>N1</c:Id>
              <c:Acct><c:Id><c:Othr><c:Id>6222600100012345678</c:Id></c:Othr></c:Id></c:Acct>
              <c:Ntry>
                <c:Amt Ccy="CNY">12000.00</c:Amt><c:CdtDbtInd>CRDT</c:CdtDbtInd><c:Sts><c:Cd>BOOK</c:Cd></c:Sts>
                <c:BookgDt><c:Dt>2026-11-26</c:Dt></c:BookgDt><c:ValDt><c:Dt>2026-11-27</c:Dt></c:ValDt>
                <c:AcctSvcrRef>BK20261126000001</c:AcctSvcrRef>
                <c:NtryDtls><c:TxDtls>
                  <c:Refs><c:EndToEndId>{Ref1}</c:EndToEndId><c:UETR>3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f</c:UETR></c:Refs>
                  <c:RltdPties><c:Dbtr><c:Pty><c:Nm>北京某某科技有限公司</c:Nm></c:Pty></c:Dbtr><c:DbtrAcct><c:Id><c:Othr><c:Id>6217000010001234567</c:Id></c:Othr></c:Id></c:DbtrAcct></c:RltdPties>
                </c:TxDtls></c:NtryDtls>
              </c:Ntry>
              <c:Ntry>
                <c:Amt Ccy="CNY">800.50</c:Amt><c:CdtDbtInd>CRDT</c:CdtDbtInd><c:Sts><c:Cd>BOOK</c:Cd></c:Sts>
                <c:BookgDt><c:Dt>2026-11-26</c:Dt></c:BookgDt><c:ValDt><c:Dt>2026-11-26</c:Dt></c:ValDt>
                <c:AcctSvcrRef>BK20261126000002</c:AcctSvcrRef>
                <c:NtryDtls><c:TxDtls>
                  <c:Refs><c:EndToEndId>NOTPROVIDED</c:EndToEndId></c:Refs>
                  <c:RmtInf><c:Ustrd>PAYMENT FOR ORDER {Ref2} THANKS</c:Ustrd></c:RmtInf>
                </c:TxDtls></c:NtryDtls>
              </c:Ntry>
              <c:Ntry>
                <c:Amt Ccy="CNY">5.00</c:Amt><c:CdtDbtInd>DBIT</c:CdtDbtInd><c:Sts><c:Cd>BOOK</c:Cd></c:Sts>
                <c:BookgDt><c:Dt>2026-11-26</c:Dt></c:BookgDt><c:ValDt><c:Dt>2026-11-26</c:Dt></c:ValDt><c:AcctSvcrRef>BK20261126000003</c:AcctSvcrRef>
              </c:Ntry>
              <c:Ntry>
                <c:Amt Ccy="CNY">9.00</c:Amt><c:CdtDbtInd>CRDT</c:CdtDbtInd><c:Sts><c:Cd>PDNG</c:Cd></c:Sts>
                <c:BookgDt><c:Dt>2026-11-26</c:Dt></c:BookgDt><c:ValDt><c:Dt>2026-11-26</c:Dt></c:ValDt><c:AcctSvcrRef>BK20261126000004</c:AcctSvcrRef>
              </c:Ntry>
            </c:Ntfctn>
          </c:BkToCstmrDbtCdtNtfctn>
        </c:Document>
        """;

    [Fact]
    public void Camt054_ReadsEveryBookedCredit_WithItsReference()
    {
        var statement = CamtReader.Parse(Camt054);

        Assert.Equal(("camt.054", "NTF-20261126-0001", "6222600100012345678"), (statement.Kind, statement.MessageId, statement.Account));
        Assert.Equal(2, statement.Credits.Count);
        var first = statement.Credits[0];
        Assert.Equal(("BK20261126000001", new Paygate.Adapters.Money.Money(1_200_000, Currency.CNY), Ref1), (first.AccountServicerReference, first.Amount, first.Reference));
        Assert.Equal<(DateOnly?, DateOnly?)>((new DateOnly(2026, 11, 26), new DateOnly(2026, 11, 27)), (first.BookingDate, first.ValueDate));
        Assert.Equal(("3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f", "北京某某科技有限公司", "6217000010001234567"), (first.Uetr, first.DebtorName, first.DebtorAccount));
        var second = statement.Credits[1];
        Assert.Equal((new Paygate.Adapters.Money.Money(80_050, Currency.CNY), Ref2, null), (second.Amount, second.Reference, second.EndToEndId));
    }

    [Fact]
    public void Camt053_WithADefaultNamespace_AndABatchBooking_GivesOneCreditPerTransaction()
    {
        var xml = $"""
            <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
              <BkToCstmrStmt>
                <GrpHdr><MsgId>STMT-20261126</MsgId></GrpHdr>
                <Stmt>
                  <Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>
                  <Ntry>
                    <Amt Ccy="EUR">300.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
                    <BookgDt><Dt>2026-11-26</Dt></BookgDt><ValDt><Dt>2026-11-26</Dt></ValDt><AcctSvcrRef>B-77</AcctSvcrRef>
                    <NtryDtls>
                      <TxDtls><Refs><EndToEndId>{Ref1}</EndToEndId></Refs><Amt Ccy="EUR">100.00</Amt></TxDtls>
                      <TxDtls><Refs><EndToEndId>{Ref2}</EndToEndId></Refs><Amt Ccy="EUR">200.00</Amt></TxDtls>
                    </NtryDtls>
                  </Ntry>
                </Stmt>
              </BkToCstmrStmt>
            </Document>
            """;

        var statement = CamtReader.Parse(xml);

        Assert.Equal("camt.053", statement.Kind);
        Assert.Equal([("B-77/1", 10_000L, Ref1), ("B-77/2", 20_000L, Ref2)], statement.Credits.Select(c => (c.AccountServicerReference, c.Amount.AmountMinor, c.Reference!)));
    }

    [Fact]
    public void VirtualAccount_StandsForItsPaymentReference()
    {
        var xml = Camt054.Replace($"<c:EndToEndId>{Ref1}</c:EndToEndId>", "", StringComparison.Ordinal)
            .Replace("<c:RltdPties>", "<c:RltdPties><c:CdtrAcct><c:Id><c:Othr><c:Id>VA" + Ref1 + "</c:Id></c:Othr></c:Id></c:CdtrAcct>", StringComparison.Ordinal);

        var statement = CamtReader.Parse(xml, account => account.StartsWith("VA", StringComparison.Ordinal) ? account[2..] : null);

        Assert.Equal(Ref1, statement.Credits[0].Reference);
    }

    [Fact]
    public void NoReference_IsReadAsNone()
    {
        var xml = Camt054.Replace($"PAYMENT FOR ORDER {Ref2} THANKS", "INVOICE 2026/11", StringComparison.Ordinal);

        Assert.Null(CamtReader.Parse(xml).Credits[1].Reference);
    }

    [Theory]
    [InlineData("<!DOCTYPE d [<!ENTITY x \"y\">]><d/>", "XML")]
    [InlineData("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.09\"/>", "namespace")]
    [InlineData("not xml", "XML")]
    public void NotACamtDocument_IsRefused(string xml, string problem) =>
        Assert.Contains(problem, Assert.Throws<FormatException>(() => CamtReader.Parse(xml)).Message);

    [Theory]
    [InlineData("12000.00", "12000.001", "at most 2 decimals")]
    [InlineData("12000.00", "-5.00", "not a positive CNY amount")]
    [InlineData("Ccy=\"CNY\">12000.00", "Ccy=\"\">12000.00", "no ISO 4217 currency")]
    [InlineData("Ccy=\"CNY\">12000.00", "Ccy=\"JPY\">12000.5", "at most 0 decimals")]
    public void EntryWhoseAmountCannotBeRead_CarriesTheProblem_AndTheOthersAreRead(string find, string replace, string problem)
    {
        var statement = CamtReader.Parse(Camt054.Replace(find, replace, StringComparison.Ordinal));

        Assert.Equal(2, statement.Credits.Count);
        Assert.Contains(problem, statement.Credits[0].Problem);
        Assert.Equal(("BK20261126000001", Ref1), (statement.Credits[0].AccountServicerReference, statement.Credits[0].Reference));
        Assert.Equal<(long, string?)>((80_050L, null), (statement.Credits[1].Amount.AmountMinor, statement.Credits[1].Problem));
    }

    [Theory]
    [InlineData("CHF", "1250.50", 125_050L)]
    [InlineData("KWD", "12.125", 12_125L)]
    [InlineData("KRW", "50000", 50_000L)]
    public void EntryInACurrencyTheGatewayDoesNotCollect_IsReadInThatCurrency(string code, string amount, long minor)
    {
        var statement = CamtReader.Parse(Camt054.Replace("Ccy=\"CNY\">12000.00", $"Ccy=\"{code}\">{amount}", StringComparison.Ordinal));

        var credit = statement.Credits[0];
        Assert.Equal<(string, long, string?)>((code, minor, null), (credit.Amount.Currency.Code, credit.Amount.AmountMinor, credit.Problem));
        Assert.False(BankCurrency.IsCollected(credit.Amount.Currency));
    }

    // As some banks send a camt.054: no AcctSvcrRef, no value date, no details at all (no references, no remittance, no
    // debtor), and an entry with only an NtryRef; a third with a UETR but no AcctSvcrRef.
    private const string Sparse054 = """
        <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02">
          <BkToCstmrDbtCdtNtfctn>
            <GrpHdr><MsgId>MSG-77</MsgId></GrpHdr>
            <Ntfctn>
              <Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>
              <Ntry><Amt Ccy="EUR">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts></Ntry>
              <Ntry><NtryRef>7</NtryRef><Amt Ccy="EUR">20.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><DtTm>2026-11-26T09:30:00</DtTm></BookgDt></Ntry>
              <Ntry><Amt Ccy="EUR">30.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
                <NtryDtls><TxDtls><Refs><UETR>8a562c67-ca16-48ba-b074-65581be6f001</UETR></Refs></TxDtls></NtryDtls></Ntry>
            </Ntfctn>
          </BkToCstmrDbtCdtNtfctn>
        </Document>
        """;

    [Fact]
    public void EntriesWithoutOptionalElements_AreRead_WithAStableIdentityOfTheirOwn()
    {
        var first = CamtReader.Parse(Sparse054);
        var again = CamtReader.Parse(Sparse054);

        Assert.Equal(["MSG-77/#1.1", "MSG-77/7", "UETR:8a562c67-ca16-48ba-b074-65581be6f001"], first.Credits.Select(c => c.AccountServicerReference));
        Assert.Equal(first.Credits.Select(c => c.AccountServicerReference), again.Credits.Select(c => c.AccountServicerReference));
        Assert.Equal([1_000L, 2_000L, 3_000L], first.Credits.Select(c => c.Amount.AmountMinor));
        Assert.All(first.Credits, c => Assert.Equal<(string?, string?, DateOnly?, string?)>((null, null, null, null), (c.Reference, c.DebtorName, c.ValueDate, c.Problem)));
        Assert.Equal<DateOnly?>([null, new DateOnly(2026, 11, 26), null], first.Credits.Select(c => c.BookingDate));
    }

    [Fact]
    public void Reversal_IsReadWithTheOriginalsReference_WhileOtherDebitsAreLeftOut()
    {
        var reversal = $"""
            <c:Ntry>
              <c:Amt Ccy="CNY">12000.00</c:Amt><c:CdtDbtInd>DBIT</c:CdtDbtInd><c:RvslInd>true</c:RvslInd><c:Sts><c:Cd>BOOK</c:Cd></c:Sts>
              <c:BookgDt><c:Dt>2026-11-28</c:Dt></c:BookgDt><c:AcctSvcrRef>BK20261128000009</c:AcctSvcrRef>
              <c:NtryDtls><c:TxDtls><c:Refs><c:EndToEndId>{Ref1}</c:EndToEndId></c:Refs></c:TxDtls></c:NtryDtls>
            </c:Ntry>
            </c:Ntfctn>
            """;

        var statement = CamtReader.Parse(Camt054.Replace("</c:Ntfctn>", reversal, StringComparison.Ordinal));

        Assert.Equal([false, false, true], statement.Credits.Select(c => c.IsReversal));
        var read = statement.Credits[2];
        Assert.Equal<(string, long, string?, string?)>(("BK20261128000009", 1_200_000L, Ref1, null), (read.AccountServicerReference, read.Amount.AmountMinor, read.Reference, read.Problem));
    }

    [Theory]
    [InlineData("true")]
    [InlineData("1")]
    public void ReversalWithoutAcctSvcrRef_HasAnIdentityApartFromItsOriginal(string indicator)
    {
        var xml = Sparse054.Replace("<Amt Ccy=\"EUR\">30.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>", $"<Amt Ccy=\"EUR\">30.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><RvslInd>{indicator}</RvslInd>", StringComparison.Ordinal);

        var read = CamtReader.Parse(xml).Credits[2];

        Assert.Equal((true, "UETR:8a562c67-ca16-48ba-b074-65581be6f001/RVSL"), (read.IsReversal, read.AccountServicerReference));
    }

    [Fact]
    public void ReversedDebit_IsReadAsACreditWithAProblem()
    {
        var xml = Camt054.Replace("<c:CdtDbtInd>DBIT</c:CdtDbtInd>", "<c:CdtDbtInd>CRDT</c:CdtDbtInd><c:RvslInd>true</c:RvslInd>", StringComparison.Ordinal);

        var read = CamtReader.Parse(xml).Credits[2];

        Assert.Equal(("BK20261126000003", false), (read.AccountServicerReference, read.IsReversal));
        Assert.Contains("reversed debit", read.Problem);
    }
}
