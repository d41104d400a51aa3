using Microsoft.Extensions.Time.Testing;
using Paygate.Adapters.Money;
using Paygate.Adapters.Swift;
using Paygate.Simulators.Swift;

namespace Paygate.Simulators.Tests.Swift;

public sealed class SwiftNetworkSimulatorTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 6, 0, 0, TimeSpan.Zero));
    private readonly SwiftNetworkSimulator _network;
    private readonly SwiftSandboxClient _client;

    public SwiftNetworkSimulatorTests()
    {
        _network = new SwiftNetworkSimulator(_clock) { SettleAfter = TimeSpan.FromSeconds(30) };
        _client = _network.IssueSandboxClient();
    }

    private Mt103 Message(string reference = "PGK7M2Q9XA01") => new()
    {
        SenderLogicalTerminal = _client.LogicalTerminal,
        Session = "0001",
        Sequence = "000001",
        ReceiverAddress = _client.ReceiverAddress,
        Uetr = Guid.Parse("3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f"),
        SendersReference = reference,
        ValueDate = new DateOnly(2026, 11, 26),
        Amount = new Paygate.Adapters.Money.Money(50_000, Currency.USD),
        OrderingCustomer = SwiftParty.Named("GB82WEST12345698765432", "ACME TRADING LTD"),
        Beneficiary = SwiftParty.Named("DE89370400440532013000", "CLOUD SERVICES GMBH"),
    };

    [Fact]
    public void ValidMessage_IsAcked_AndCreditedWhenItsTimeComes()
    {
        var text = Mt103Format.Write(Message());

        Assert.Contains("{451:0}", _network.Receive(_client, text));
        Assert.Equal("ACSP", _network.Status(Message().Uetr)!.Status);
        _clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal("ACCC", _network.Status(Message().Uetr)!.Status);
        Assert.Equal(50_000, Assert.Single(_network.Ledger).AmountMinor);
    }

    [Fact]
    public void MalformedMessage_IsNakedWithTheRulesCode_AndNothingIsKept()
    {
        var text = Mt103Format.Write(Message()).Replace(":20:PGK7M2Q9XA01", ":20:PGK7//Q9XA01", StringComparison.Ordinal);
        // The sender's checksum is over the original text: a message altered on the way is refused as such first.
        Assert.Contains("{405:H50}", _network.Receive(_client, text));
        // Without a checksum block the field rule itself answers.
        var unsummed = text[..text.IndexOf("{5:", StringComparison.Ordinal)];
        Assert.Contains("{451:1}{405:T26}", _network.Receive(_client, unsummed));
        Assert.Empty(_network.Transfers);
    }

    [Fact]
    public void SameMessageAgain_IsAckedOnce_ButAnotherUnderTheSameUetrIsRefused()
    {
        Assert.Contains("{451:0}", _network.Receive(_client, Mt103Format.Write(Message())));
        Assert.Contains("{451:0}", _network.Receive(_client, Mt103Format.Write(Message())));
        Assert.Contains("{405:U13}", _network.Receive(_client, Mt103Format.Write(Message("PGOTHER0001"))));
        Assert.Single(_network.Transfers);
    }

    [Fact]
    public void MessageFromAnotherTerminal_IsRefused() =>
        Assert.Contains("{405:H21}", _network.Receive(_client, Mt103Format.Write(Message() with { SenderLogicalTerminal = "OTHRGB2LAXXX" })));

    [Fact]
    public void Rejected_TransferReportsTheReason_AndMovesNoMoney()
    {
        _network.Receive(_client, Mt103Format.Write(Message()));

        Assert.True(_network.Reject(Message().Uetr, "AC01"));

        Assert.Equal(("RJCT", "AC01"), (_network.Status(Message().Uetr)!.Status, _network.Status(Message().Uetr)!.Reason));
        Assert.Empty(_network.Ledger);
        Assert.False(_network.Credit(Message().Uetr));
    }
}
