using Grpc.Core;
using Paygate.Adapters.Swift;
using Paygate.Simulators.Faults;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

/// <summary>A gateway whose worker follows pending transfers quickly.</summary>
public sealed class QuickFollowUpFixture : GatewayFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>
    {
        ["Paygate:PendingQueryAfter"] = "00:00:00.300",
        ["Paygate:InFlightQueryMin"] = "00:00:00.200",
    };
}

/// <summary>Cross-border transfers by MT103 through the real gateway and the simulated bank's SWIFT interface.</summary>
public sealed class SwiftTests : IClassFixture<QuickFollowUpFixture>, IDisposable
{
    private readonly QuickFollowUpFixture _fixture;

    public SwiftTests(QuickFollowUpFixture fixture)
    {
        _fixture = fixture;
        fixture.Simulators.Swift.SettleAfter = null; // each test settles its transfer itself
    }

    private GatewayUnderTest Gateway => _fixture.Gateway;

    private static CreatePaymentRequest Transfer(long amount = 250_00, string name = "ACME TRADING LTD", string account = "GB82WEST12345698765432") => new()
    {
        AmountMinor = amount,
        Currency = "USD",
        Description = "Cloud servers, annual plan",
        Customer = new Customer { Type = Customer.Types.Type.Enterprise, Country = "GB" },
        PaymentMethod = new PaymentMethod
        {
            Channel = "swift",
            BankAccount = new BankAccount { Name = name, Account = account, AddressLines = { "1 HIGH STREET", "LONDON" } },
        },
    };

    [Fact]
    public async Task Transfer_IsAcknowledgedThenFollowedByUetrUntilCredited()
    {
        var created = await Gateway.Payments.CreatePaymentAsync(Transfer());
        var uetr = SwiftChannel.UetrFor(created.Attempts[0].ChannelReference);

        Assert.Equal((Payment.Types.State.Processing, Attempt.Types.State.Pending, "ACK"), (created.State, created.Attempts[0].State, created.Attempts[0].NativeCode));
        Assert.Equal(("ACME TRADING LTD", "GB82WEST12345698765432"), (created.BankAccount.Name, created.BankAccount.Account));
        var sent = Assert.Single(_fixture.Simulators.Swift.Transfers, t => t.Uetr == uetr).Message;
        Assert.Equal(("GB82WEST12345698765432", "ACME TRADING LTD"), (sent.OrderingCustomer.Account, sent.OrderingCustomer.NameAndAddress[0]));
        Assert.Equal(("DE89370400440532013000", 25000L, "USD"), (sent.Beneficiary.Account, sent.Amount.AmountMinor, sent.Amount.Currency.Code));
        Assert.Equal(created.Attempts[0].ChannelReference[^16..], sent.SendersReference);
        Assert.Equal("/RFB/" + created.Attempts[0].ChannelReference, sent.RemittanceInformation[0]);

        await Task.Delay(800); // the worker asks meanwhile: still in process
        Assert.Equal(Payment.Types.State.Processing, (await Gateway.Payments.GetPaymentAsync(new GetPaymentRequest { Id = created.Id })).State);

        Assert.True(_fixture.Simulators.Swift.Credit(uetr));
        var paid = await Gateway.WaitForAsync(created.Id, p => p.State == Payment.Types.State.Succeeded);
        Assert.Equal("ACCC", paid.Attempts[0].NativeCode);
        Assert.Single(_fixture.Simulators.Swift.Ledger, e => e.Uetr == uetr);
    }

    [Fact]
    public async Task InvalidCharacters_AreRefusedWithPm5001NamingFieldAndRule_BeforeAnythingIsSent()
    {
        var before = _fixture.Simulators.Swift.Transfers.Count;

        var payment = await Gateway.Payments.CreatePaymentAsync(Transfer(name: "ACME & SONS"));

        Assert.Equal((Payment.Types.State.Failed, "PM-5001", "M60"), (payment.State, payment.Error.Code, payment.Error.NativeCode));
        Assert.Contains("field 50K", payment.Attempts[0].NativeMessage);
        Assert.Contains("character '&'", payment.Attempts[0].NativeMessage);
        Assert.Equal(before, _fixture.Simulators.Swift.Transfers.Count);
    }

    [Fact]
    public async Task BadIban_IsRefusedAtTheApi_NamingTheField()
    {
        var (code, info, bad) = await RpcErrors.CatchAsync(() => Gateway.Payments.CreatePaymentAsync(Transfer(account: "GB83WEST12345698765432")).ResponseAsync);

        Assert.Equal((StatusCode.InvalidArgument, "PM-6001"), (code, info.Reason));
        Assert.Equal("payment_method.bank_account.account", bad!.FieldViolations.Single().Field);
        Assert.Contains("check digits", bad.FieldViolations.Single().Description);
    }

    [Fact]
    public async Task Nak_FromTheNetwork_FailsThePaymentWithPm5001AndTheNetworkCode()
    {
        _fixture.Simulators.SwiftFaults.Plan = new FaultPlan { ErrorRate = 1, ErrorCode = "T26", Limit = 1, Methods = ["send"] };

        var payment = await Gateway.Payments.CreatePaymentAsync(Transfer(260_00));

        Assert.Equal((Payment.Types.State.Failed, "PM-5001", "NAK/T26"), (payment.State, payment.Error.Code, payment.Error.NativeCode));
    }

    [Fact]
    public async Task Rejected_ByThePayersBank_FailsWithTheMappedReason()
    {
        var created = await Gateway.Payments.CreatePaymentAsync(Transfer(270_00));

        Assert.True(_fixture.Simulators.Swift.Reject(SwiftChannel.UetrFor(created.Attempts[0].ChannelReference), "AM04"));

        var failed = await Gateway.WaitForAsync(created.Id, p => p.State == Payment.Types.State.Failed);
        Assert.Equal(("PM-1001", "RJCT/AM04"), (failed.Error.Code, failed.Error.NativeCode));
    }

    [Fact]
    public async Task LostAck_IsSettledByAskingForTheUetr_AndTheBankHasOneTransfer()
    {
        _fixture.Simulators.SwiftFaults.Plan = new FaultPlan { LoseResponseRate = 1, Limit = 1, Methods = ["send"] };

        var created = await Gateway.Payments.CreatePaymentAsync(Transfer(280_00));
        var uetr = SwiftChannel.UetrFor(created.Attempts[0].ChannelReference);

        Assert.Equal((Payment.Types.State.Processing, "ACSP"), (created.State, created.Attempts[0].NativeCode));
        Assert.Single(_fixture.Simulators.Swift.Transfers, t => t.Uetr == uetr);
        _fixture.Simulators.Swift.Credit(uetr);
        await Gateway.WaitForAsync(created.Id, p => p.State == Payment.Types.State.Succeeded);
    }

    [Fact]
    public async Task Refund_OfATransfer_IsRefusedAsTheChannelCannotRefund()
    {
        var created = await Gateway.Payments.CreatePaymentAsync(Transfer(290_00));
        _fixture.Simulators.Swift.Credit(SwiftChannel.UetrFor(created.Attempts[0].ChannelReference));
        await Gateway.WaitForAsync(created.Id, p => p.State == Payment.Types.State.Succeeded);

        var (code, info, _) = await RpcErrors.CatchAsync(() => Gateway.Payments.RefundPaymentAsync(new RefundPaymentRequest { Id = created.Id }).ResponseAsync);

        Assert.Equal((StatusCode.FailedPrecondition, "PM-6004"), (code, info.Reason));
    }

    public void Dispose() => _fixture.Simulators.SwiftFaults.Plan = FaultPlan.None;
}
