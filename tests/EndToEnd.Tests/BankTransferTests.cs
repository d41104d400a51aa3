using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Paygate.Gateway.Reconciliation;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

/// <summary>Bank transfers through the real gateway and the simulated bank: instructions, camt.054 pushed, camt.053 pulled, matching and review.</summary>
public sealed class BankTransferTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>, IDisposable
{
    private GatewayUnderTest Gateway => fixture.Gateway;
    private ChannelService.ChannelServiceClient Operators => new(Gateway.Operator);

    private async Task<Payment> CreateAsync(long amount)
    {
        var payment = await Gateway.Payments.CreatePaymentAsync(new CreatePaymentRequest
        {
            AmountMinor = amount,
            Currency = "CNY",
            Description = "Private cloud cluster, 3 years",
            Customer = new Customer { Type = Customer.Types.Type.Enterprise, Country = "CN", Device = "pc" },
        });
        Assert.Equal((Payment.Types.State.RequiresAction, "banktransfer"), (payment.State, payment.Attempts[0].Channel));
        return payment;
    }

    private async Task<HeldCredit> HeldAsync(string accountServicerRef)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var held = (await Operators.ListHeldCreditsAsync(new ListHeldCreditsRequest { PageSize = 500 })).Credits.FirstOrDefault(c => c.AccountServicerRef == accountServicerRef);
            if (held is not null)
            {
                return held;
            }
            Assert.True(DateTime.UtcNow < deadline, $"entry {accountServicerRef} was not held");
            await Task.Delay(100);
        }
    }

    private async Task WaitForEventAsync(string paymentId, string type)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!(await Gateway.Store.EventsAsync(paymentId, 0, CancellationToken.None)).Any(e => e.Type == type))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no {type} event");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Instructions_ThenAnExactTransferQuotingTheReference_SucceedsThePayment()
    {
        var created = await CreateAsync(1_200_000);
        var transfer = created.NextAction.BankTransfer;

        Assert.Equal(NextAction.Types.Type.BankTransfer, created.NextAction.Type);
        Assert.Equal((created.Attempts[0].ChannelReference, 1_200_000L, "CNY"), (transfer.Reference, transfer.AmountMinor, transfer.Currency));
        Assert.Equal("VA" + transfer.Reference, transfer.Account);
        Assert.False(string.IsNullOrEmpty(transfer.BeneficiaryName));
        Assert.Equal(created.ExpireTime, transfer.Deadline);

        var entry = fixture.Simulators.Bank.PayerTransfers(1_200_000, endToEndId: transfer.Reference);

        var paid = await Gateway.WaitForAsync(created.Id, p => p.State == Payment.Types.State.Succeeded);
        Assert.Equal(entry, paid.Attempts[0].ChannelTransactionId);
        Assert.True(fixture.Simulators.NotificationAcknowledged("banktransfer", transfer.Reference));
    }

    [Fact]
    public async Task APersonPlayingThePayer_PaysThroughTheSimulatorsHttpEndpoint()
    {
        var created = await CreateAsync(510_000);
        using var http = new HttpClient();

        using var response = await http.PostAsync(fixture.Simulators.BankBaseUrl + "/payer/transfer", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["amount_minor"] = "510000",
            ["reference"] = created.NextAction.BankTransfer.Reference,
        }));

        Assert.True(response.IsSuccessStatusCode);
        await Gateway.WaitForAsync(created.Id, p => p.State == Payment.Types.State.Succeeded);
    }

    [Fact]
    public async Task TransferToTheVirtualAccount_WithoutAReference_IsMatchedByTheAccount()
    {
        var created = await CreateAsync(880_000);

        fixture.Simulators.Bank.PayerTransfers(880_000, toVirtualAccount: created.NextAction.BankTransfer.Account);

        await Gateway.WaitForAsync(created.Id, p => p.State == Payment.Types.State.Succeeded);
    }

    [Theory]
    [InlineData(1_000_000, "under-payment")]
    [InlineData(1_000_001 + 99, "over-payment")]
    public async Task WrongAmount_IsHeldForReview_AndThePaymentFlaggedNotPaid(long paid, string reason)
    {
        var created = await CreateAsync(1_000_050);

        var entry = fixture.Simulators.Bank.PayerTransfers(paid, endToEndId: created.Attempts[0].ChannelReference);

        var held = await HeldAsync(entry);
        Assert.Contains(reason, held.Reason);
        Assert.Equal((created.Id, paid), (held.PaymentId, held.AmountMinor));
        await WaitForEventAsync(created.Id, "payment.credit_held");
        Assert.Equal(Payment.Types.State.RequiresAction, (await Gateway.Payments.GetPaymentAsync(new GetPaymentRequest { Id = created.Id })).State);
    }

    [Theory]
    [InlineData(null, "INVOICE 2026/11/26", "no payment reference")]
    [InlineData("01KMZZZZZZZZZZZZZZZZZZZZZZA01", null, "matches no payment")]
    public async Task MissingOrUnknownReference_IsHeldForReview(string? endToEnd, string? remittance, string reason)
    {
        var entry = fixture.Simulators.Bank.PayerTransfers(600_000, endToEndId: endToEnd, remittance: remittance);

        Assert.Contains(reason, (await HeldAsync(entry)).Reason);
    }

    [Fact]
    public async Task SecondTransferForAPaidPayment_IsHeldAsADuplicate()
    {
        var created = await CreateAsync(700_000);
        var reference = created.Attempts[0].ChannelReference;
        var first = fixture.Simulators.Bank.PayerTransfers(700_000, endToEndId: reference);
        await Gateway.WaitForAsync(created.Id, p => p.State == Payment.Types.State.Succeeded);

        var second = fixture.Simulators.Bank.PayerTransfers(700_000, endToEndId: reference);

        var held = await HeldAsync(second);
        Assert.Contains("duplicate payment", held.Reason);
        Assert.Contains(first, held.Reason);
    }

    [Fact]
    public async Task LostNotification_TheEndOfDayStatementFindsTheCredit_AndTheLateNotificationChangesNothing()
    {
        var created = await CreateAsync(950_000);
        fixture.Simulators.Bank.Notifier.Pause = true;
        var entry = fixture.Simulators.Bank.PayerTransfers(950_000, endToEndId: created.Attempts[0].ChannelReference);

        var worker = Gateway.Services.GetRequiredService<BankStatementWorker>();
        var outcomes = await worker.ReconcileDayAsync(DateOnly.FromDateTime(DateTime.UtcNow), CancellationToken.None);

        Assert.Contains(outcomes, o => o.AccountServicerReference == entry && o.State == Paygate.Gateway.Payments.BankCreditState.Matched && o.Source == "camt.053");
        Assert.Equal(Payment.Types.State.Succeeded, (await Gateway.Payments.GetPaymentAsync(new GetPaymentRequest { Id = created.Id })).State);
        var eventsBefore = (await Gateway.Store.EventsAsync(created.Id, 0, CancellationToken.None)).Count;

        // The camt.054 arrives after all, and a repeat of several entries in one document: acknowledged, nothing changes.
        fixture.Simulators.Bank.Notifier.Pause = false;
        fixture.Simulators.Bank.NotifyAgain(entry);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (fixture.Simulators.Bank.Notifier.Deliveries.Count(d => d.Request!.Body.Contains(entry) && d.Acknowledged) < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "the notifications were not acknowledged");
            await Task.Delay(100);
        }
        Assert.Equal(eventsBefore, (await Gateway.Store.EventsAsync(created.Id, 0, CancellationToken.None)).Count);
        Assert.DoesNotContain((await Operators.ListHeldCreditsAsync(new ListHeldCreditsRequest())).Credits, c => c.AccountServicerRef == entry);
    }

    /// <summary>A camt.054 crediting <paramref name="created"/> in full, as the bank would push it.</summary>
    private static string Camt054For(Payment created) => $"""
        <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"><BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>FORGED</MsgId></GrpHdr>
        <Ntfctn><Acct><Id><Othr><Id>6222600100012345678</Id></Othr></Id></Acct><Ntry><Amt Ccy="CNY">{created.AmountMinor / 100}.{created.AmountMinor % 100:00}</Amt><CdtDbtInd>CRDT</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-26</Dt></BookgDt><ValDt><Dt>2026-11-26</Dt></ValDt><AcctSvcrRef>FORGED{created.AmountMinor}</AcctSvcrRef>
        <NtryDtls><TxDtls><Refs><EndToEndId>{created.Attempts[0].ChannelReference}</EndToEndId></Refs></TxDtls></NtryDtls></Ntry></Ntfctn></BkToCstmrDbtCdtNtfctn></Document>
        """;

    private async Task<(int Status, string Body)> PushAsync(string xml, string signature)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Gateway.HttpBaseUrl + "/notify/banktransfer") { Content = new StringContent(xml, Encoding.UTF8, "application/xml") };
        request.Headers.TryAddWithoutValidation("Bank-Signature", signature);
        using var response = await http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ForgedCamt054_IsRejectedAndChangesNothing()
    {
        var created = await CreateAsync(990_000);

        var answer = await PushAsync(Camt054For(created), $"t={DateTimeOffset.UtcNow.ToUnixTimeSeconds()},v1={new string('0', 64)}");

        Assert.Equal((400, "NACK"), answer);
        Assert.Equal(Payment.Types.State.RequiresAction, (await Gateway.Payments.GetPaymentAsync(new GetPaymentRequest { Id = created.Id })).State);
    }

    [Fact]
    public async Task Camt054_SignatureHeaderNamingAKeyTwice_IsRejectedAndChangesNothing()
    {
        var created = await CreateAsync(990_100);
        var xml = Camt054For(created);
        // Correctly signed with the bank's secret, but with a second timestamp: which one counts would be a guess.
        var t = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var v1 = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(fixture.ChannelSettings["Channels:BankTransfer:SigningSecret"]!),
            Encoding.UTF8.GetBytes($"{t}.{xml}")));

        var answer = await PushAsync(xml, $"t={t},v1={v1},t={t + 1}");

        Assert.Equal((400, "NACK"), answer);
        Assert.Equal(Payment.Types.State.RequiresAction, (await Gateway.Payments.GetPaymentAsync(new GetPaymentRequest { Id = created.Id })).State);
        Assert.DoesNotContain((await Operators.ListHeldCreditsAsync(new ListHeldCreditsRequest())).Credits, c => c.AccountServicerRef == $"FORGED{created.AmountMinor}");
    }

    [Fact]
    public async Task Refund_IsAnInstructionToTheBank()
    {
        var created = await CreateAsync(1_500_000);
        fixture.Simulators.Bank.PayerTransfers(1_500_000, endToEndId: created.Attempts[0].ChannelReference);
        await Gateway.WaitForAsync(created.Id, p => p.State == Payment.Types.State.Succeeded);

        var refund = await Gateway.Payments.RefundPaymentAsync(new RefundPaymentRequest { Id = created.Id, AmountMinor = 500_000, Reason = "reduced scope" });

        Assert.Equal(Refund.Types.State.Succeeded, refund.State);
        Assert.Single(fixture.Simulators.Bank.Ledger, e => e.Kind == "refund" && e.Reference == refund.ChannelReference && e.AmountMinor == 500_000);
    }

    [Fact]
    public async Task Cancel_ClosesTheCollection_AndALateTransferIsHeld()
    {
        var created = await CreateAsync(660_000);
        var canceled = await Gateway.Payments.CancelPaymentAsync(new CancelPaymentRequest { Id = created.Id });
        Assert.Equal(Payment.Types.State.Canceled, canceled.State);
        Assert.Equal("CLOSED", fixture.Simulators.Bank.Find(created.Attempts[0].ChannelReference)!.Status);

        var entry = fixture.Simulators.Bank.PayerTransfers(660_000, endToEndId: created.Attempts[0].ChannelReference);

        Assert.Contains("too late", (await HeldAsync(entry)).Reason);
    }

    [Fact]
    public async Task HeldCredit_IsReturnedToThePayerOnce_AndLeavesTheReviewList()
    {
        var entry = fixture.Simulators.Bank.PayerTransfers(432_100, remittance: "NO IDEA WHAT THIS IS FOR");
        await HeldAsync(entry);

        var returned = await Operators.ReturnHeldCreditAsync(new ReturnHeldCreditRequest { Channel = "banktransfer", AccountServicerRef = entry });
        var again = await Operators.ReturnHeldCreditAsync(new ReturnHeldCreditRequest { Channel = "banktransfer", AccountServicerRef = entry });

        Assert.Equal(("RETURNED", "RETURNED"), (returned.State, again.State));
        Assert.Single(fixture.Simulators.Bank.Ledger, e => e.Kind == "return" && e.Reference == "RT" + entry && e.AmountMinor == 432_100);
        Assert.DoesNotContain((await Operators.ListHeldCreditsAsync(new ListHeldCreditsRequest { PageSize = 500 })).Credits, c => c.AccountServicerRef == entry);
        var (code, info, _) = await RpcErrors.CatchAsync(() => Operators.ReturnHeldCreditAsync(new ReturnHeldCreditRequest { Channel = "banktransfer", AccountServicerRef = "NOSUCH" }).ResponseAsync);
        Assert.Equal((Grpc.Core.StatusCode.NotFound, "PM-6015"), (code, info.Reason));
        // The return is an operator's action: recorded once, with the key that did it.
        var audit = (await new AdminService.AdminServiceClient(fixture.Gateway.Operator).ListAuditEntriesAsync(new ListAuditEntriesRequest { PageSize = 500 })).Entries;
        var recorded = Assert.Single(audit, e => e.Action == "held_credit.returned" && e.Target == "banktransfer/" + entry);
        Assert.StartsWith("key_", recorded.Actor, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PayersBankRecallsAPaidTransfer_ThePaymentIsFlaggedReversed_TheReversalHeld_AndTheStatementChangesNothingMore()
    {
        var created = await CreateAsync(1_230_000);
        var entry = fixture.Simulators.Bank.PayerTransfers(1_230_000, endToEndId: created.Attempts[0].ChannelReference);
        await Gateway.WaitForAsync(created.Id, p => p.State == Payment.Types.State.Succeeded);

        var reversal = fixture.Simulators.Bank.Reverse(entry)!;

        var reversed = await Gateway.WaitForAsync(created.Id, p => p.Reversed);
        Assert.Equal(Payment.Types.State.Succeeded, reversed.State);
        var held = await HeldAsync(reversal);
        Assert.Equal((created.Id, -1_230_000L), (held.PaymentId, held.AmountMinor));
        Assert.Contains(entry, held.Reason);
        var (code, info, _) = await RpcErrors.CatchAsync(() => Gateway.Payments.RefundPaymentAsync(new RefundPaymentRequest { Id = created.Id, Reason = "too late" }).ResponseAsync);
        Assert.Equal((Grpc.Core.StatusCode.FailedPrecondition, "PM-6004"), (code, info.Reason));

        await Gateway.Services.GetRequiredService<BankStatementWorker>().ReconcileDayAsync(DateOnly.FromDateTime(DateTime.UtcNow), CancellationToken.None);

        Assert.Single(await Gateway.Store.EventsAsync(created.Id, 0, CancellationToken.None), e => e.Type == "payment.reversed");
    }

    [Fact]
    public async Task Camt054WithASparseEntryAndAForeignCurrencyEntry_IsAcknowledged_TheGoodEntryPays_TheOthersAreHeld()
    {
        var created = await CreateAsync(990_200);
        var messageId = "SPARSE" + created.AmountMinor;
        var xml = Camt054For(created).Replace("<MsgId>FORGED</MsgId>", $"<MsgId>{messageId}</MsgId>", StringComparison.Ordinal)
            .Replace("</Ntfctn>", """
                <Ntry><Amt Ccy="CNY">600.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts></Ntry>
                <Ntry><Amt Ccy="CHF">75.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><AcctSvcrRef>CHF990200</AcctSvcrRef></Ntry>
                </Ntfctn>
                """, StringComparison.Ordinal);
        var t = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var v1 = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(fixture.ChannelSettings["Channels:BankTransfer:SigningSecret"]!),
            Encoding.UTF8.GetBytes($"{t}.{xml}")));

        var answer = await PushAsync(xml, $"t={t},v1={v1}");

        Assert.Equal((200, "ACK"), answer);
        Assert.Equal(Payment.Types.State.Succeeded, (await Gateway.Payments.GetPaymentAsync(new GetPaymentRequest { Id = created.Id })).State);
        Assert.Contains("no payment reference", (await HeldAsync($"{messageId}/#1.2")).Reason);
        var foreign = await HeldAsync("CHF990200");
        Assert.Equal(("CHF", 7_500L), (foreign.Currency, foreign.AmountMinor));
    }

    public void Dispose() => fixture.Simulators.Bank.Notifier.Pause = false;
}
