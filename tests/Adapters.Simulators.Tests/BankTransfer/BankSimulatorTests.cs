using Microsoft.Extensions.Time.Testing;
using Paygate.Adapters.BankTransfer;
using Paygate.Simulators.BankTransfer;

namespace Paygate.Simulators.Tests.BankTransfer;

public sealed class BankSimulatorTests : IDisposable
{
    private const string Reference = "01KMZ6Q4W5T8M2N3P4R5S6T7V8A01";
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 2, 0, 0, TimeSpan.Zero));
    private readonly BankSimulator _bank;

    public BankSimulatorTests()
    {
        _bank = new BankSimulator(_clock);
        _bank.IssueSandboxAccount();
    }

    [Fact]
    public void Statement_ListsEveryCreditOfTheDay_AsAValidCamt053()
    {
        _bank.Open(Reference, "VA" + Reference, "1200.00", "CNY", "http://127.0.0.1:9/notify/banktransfer");
        var first = _bank.PayerTransfers(120_000, endToEndId: Reference);
        var second = _bank.PayerTransfers(5_050, remittance: "INVOICE 7");
        _clock.Advance(TimeSpan.FromDays(1));
        _bank.PayerTransfers(1, endToEndId: "TOMORROW");

        var statement = CamtReader.Parse(_bank.StatementFor(new DateOnly(2026, 11, 26)));

        Assert.Equal(("camt.053", "6222600100012345678"), (statement.Kind, statement.Account));
        Assert.Equal([(first, 120_000L, Reference), (second, 5_050L, null)], statement.Credits.Select(c => (c.AccountServicerReference, c.Amount.AmountMinor, c.Reference)));
        Assert.Equal(3, _bank.Notifier.PendingCount); // a camt.054 for each credit, pushed as it is booked
    }

    [Fact]
    public void Refund_NeverMoreThanThePayerPaid_AndOncePerReference()
    {
        _bank.Open(Reference, "VA" + Reference, "1200.00", "CNY", "http://127.0.0.1:9/notify/banktransfer");
        _bank.PayerTransfers(120_000, toVirtualAccount: "VA" + Reference);

        Assert.Equal("EXECUTED", _bank.Refund("R1", Reference, 100_000, "CNY").Status);
        Assert.Equal("EXECUTED", _bank.Refund("R1", Reference, 100_000, "CNY").Status);
        Assert.Equal(("REJECTED", "AM02"), (_bank.Refund("R2", Reference, 20_001, "CNY").Status, _bank.Refund("R2", Reference, 20_001, "CNY").Reason));
        Assert.Equal(("REJECTED", "NOORIGINAL"), (_bank.Refund("R3", "NOSUCHREF", 1, "CNY").Status, _bank.Refund("R3", "NOSUCHREF", 1, "CNY").Reason));
        Assert.Single(_bank.Ledger, e => e.Kind == "refund");
    }

    [Fact]
    public void Reverse_BooksADebitWithTheOriginalsReferences_Once_AndNotifiesIt()
    {
        _bank.Open(Reference, "VA" + Reference, "1200.00", "CNY", "http://127.0.0.1:9/notify/banktransfer");
        var credit = _bank.PayerTransfers(120_000, endToEndId: Reference);

        var reversal = _bank.Reverse(credit);

        Assert.NotNull(reversal);
        Assert.Null(_bank.Reverse(credit));
        Assert.Null(_bank.Reverse(reversal));
        var read = CamtReader.Parse(_bank.StatementFor(new DateOnly(2026, 11, 26))).Credits;
        Assert.Equal([(credit, false, 120_000L, Reference), (reversal, true, 120_000L, Reference)],
            read.Select(c => (c.AccountServicerReference, c.IsReversal, c.Amount.AmountMinor, c.Reference!)));
        Assert.Single(_bank.Ledger, e => e.Kind == "reversal" && e.Reference == reversal);
        Assert.Equal(2, _bank.Notifier.PendingCount);
        Assert.Equal(("REJECTED", "NOORIGINAL"), (_bank.Refund("R1", Reference, 1, "CNY").Status, _bank.Refund("R1", Reference, 1, "CNY").Reason));
    }

    public void Dispose() => _bank.Dispose();
}
