using System.Text.Json.Nodes;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Paygate.Gateway.Disputes;
using Paygate.Simulators.Notifications;
using Paygate.V1;
using Dispute = Paygate.V1.Dispute;
using ArbitrationDecision = Paygate.V1.ArbitrationDecision;

namespace Paygate.EndToEnd.Tests;

/// <summary>A gateway whose dispute worker sweeps often, with a small evidence limit and quick webhooks.</summary>
public sealed class DisputeFixture : GatewayFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>
    {
        ["Disputes:SweepInterval"] = "00:00:00.200",
        ["Disputes:MaxEvidenceBytes"] = "1024",
        ["Webhooks:FirstRetryDelay"] = "00:00:00.200",
        ["Webhooks:PollInterval"] = "00:00:00.100",
        ["Webhooks:Timeout"] = "00:00:10",
    };
}

/// <summary>Disputes through the real gateway: the card acquirer's signed chargebacks, the merchant's and the operator's handling, arbitration.</summary>
public sealed class DisputeTests(DisputeFixture fixture) : IClassFixture<DisputeFixture>
{
    private GatewayUnderTest Gateway => fixture.Gateway;
    private DisputeService.DisputeServiceClient Merchant => new(Gateway.Merchant);
    private DisputeService.DisputeServiceClient Operator => new(Gateway.Operator);

    private async Task<Payment> PaidByCardAsync(long amount = 12_000, string? customer = null)
    {
        var request = GatewayUnderTest.CardRequest(amount: amount);
        if (customer is not null)
        {
            request.Customer.Id = customer;
        }
        var created = await Gateway.Payments.CreatePaymentAsync(request);
        return await Gateway.WaitForAsync(created.Id, p => p.State == Payment.Types.State.Succeeded);
    }

    /// <summary>The acquirer raises a dispute notice; returns the dispute once the gateway has applied it, and the notice as it was sent.</summary>
    private async Task<(Dispute Dispute, SentRequest Sent)> RaiseAsync(Payment payment, string stage, Func<Dispute, bool>? until = null)
    {
        var reference = payment.Attempts.Single(a => a.State == Attempt.Types.State.Succeeded).ChannelReference;
        var raised = fixture.Simulators.Card.RaiseDispute(reference, stage);
        Assert.NotNull(raised);
        Dispute? dispute = null;
        await GatewayUnderTest.WaitUntilAsync(async () =>
        {
            var page = await Merchant.ListDisputesAsync(new ListDisputesRequest { PaymentId = payment.Id });
            dispute = page.Disputes.SingleOrDefault(d => d.AcquirerDisputeId == raised.Id);
            return dispute is not null && (until ?? (_ => true))(dispute);
        }, TimeSpan.FromSeconds(20), $"the acquirer's {stage} applied to {payment.Id}");
        // The acquirer records its delivery once the gateway answered: wait for that notice's acknowledgement.
        SentRequest? sent = null;
        await GatewayUnderTest.WaitUntilAsync(() =>
        {
            sent = fixture.Simulators.Card.Notifier.Deliveries.LastOrDefault(d => d.OutTradeNo == reference && d.Acknowledged
                && d.Request!.Body.Contains($"\"id\":\"{raised.Id}\"", StringComparison.Ordinal) && d.Request.Body.Contains($"\"stage\":\"{stage}\"", StringComparison.Ordinal))?.Request;
            return Task.FromResult(sent is not null);
        }, TimeSpan.FromSeconds(20), $"the acquirer's {stage} acknowledged");
        return (dispute!, sent!);
    }

    private static async Task<(int Status, string Body)> PostAsync(HttpRequestMessage message)
    {
        using var http = new HttpClient();
        using var response = await http.SendAsync(message);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SignedChargeback_OpensAComplexDispute_AsAnEventAndWebhook_AndPreArbitrationEscalatesIt()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var endpoint = await new WebhookService.WebhookServiceClient(Gateway.Merchant).CreateWebhookEndpointAsync(new CreateWebhookEndpointRequest
        {
            Url = receiver.Url,
            Description = "disputes desk",
            EventTypes = { "dispute.opened", "dispute.updated", "dispute.escalated" },
        });
        receiver.Secret = endpoint.Secret;
        var payment = await PaidByCardAsync();

        var (dispute, _) = await RaiseAsync(payment, "chargeback");

        Assert.Equal((Dispute.Types.State.Open, Dispute.Types.Source.CardChargeback, true, "10.4"), (dispute.State, dispute.Source, dispute.Complex, dispute.ReasonCode));
        Assert.Equal((12_000L, "USD", Gateway.MerchantId), (dispute.AmountMinor, dispute.Currency, dispute.MerchantId));
        Assert.StartsWith("dp_", dispute.Id, StringComparison.Ordinal);
        Assert.Contains("card chargeback, reason code 10.4", dispute.Reason, StringComparison.Ordinal);
        Assert.InRange(dispute.DueTime.ToDateTimeOffset() - dispute.CreateTime.ToDateTimeOffset(), TimeSpan.FromHours(72) - TimeSpan.FromSeconds(1), TimeSpan.FromHours(72));
        await receiver.WaitUntilAsync(r => r.Acknowledged.Any(a => a.Event.Type == "dispute.opened"));
        var opened = receiver.Acknowledged.Single(a => a.Event.Type == "dispute.opened");
        Assert.True(opened.SignatureValid);
        Assert.Equal((dispute.Id, payment.Id), (opened.Event.Dispute.Id, opened.Event.Payment.Id));

        var (escalated, _) = await RaiseAsync(payment, "pre_arbitration", d => d.State == Dispute.Types.State.Escalated);

        Assert.Equal(dispute.Id, escalated.Id);
        Assert.Equal((Dispute.Types.Source.CardPreArbitration, Dispute.Types.Level.Arbitration, "the acquirer's pre-arbitration"),
            (escalated.Source, escalated.Level, escalated.EscalationReason));
        Assert.Equal(["dispute.opened", "dispute.updated", "dispute.escalated"], escalated.History.Select(h => h.Type));
        await receiver.WaitUntilAsync(r => r.Acknowledged.Any(a => a.Event.Type == "dispute.escalated"));
    }

    [Fact]
    public async Task ForgedOrTamperedDisputeNotices_AreRefused_AndAReplayChangesNothing()
    {
        var payment = await PaidByCardAsync(15_000);
        var (dispute, genuine) = await RaiseAsync(payment, "inquiry");
        Assert.Equal((Dispute.Types.Source.CardInquiry, false), (dispute.Source, dispute.Complex));

        // The genuine notice's signature over another body: a chargeback for the same dispute, with a new event id.
        var body = JsonNode.Parse(genuine.Body)!.AsObject();
        body["id"] = "evt_forged0000000001";
        body["type"] = "dispute.chargeback";
        var tampered = await PostAsync(genuine.ToMessage(body.ToJsonString()));
        // A new dispute on the same payment, signed with a key that is not the acquirer's.
        body["data"]!["id"] = "dsp_forged";
        var wrongKey = $"t={DateTimeOffset.UtcNow.ToUnixTimeSeconds()},v1={new string('a', 64)}";
        var forged = genuine with { Headers = genuine.Headers.ToDictionary(h => h.Key, h => h.Key.Equals("Acquirer-Signature", StringComparison.OrdinalIgnoreCase) ? wrongKey : h.Value) };
        var unsigned = await PostAsync(forged.ToMessage(body.ToJsonString()));
        var replayed = await PostAsync(genuine.ToMessage());

        Assert.Equal(400, tampered.Status);
        Assert.Equal(400, unsigned.Status);
        Assert.Equal(200, replayed.Status);
        var after = await Merchant.ListDisputesAsync(new ListDisputesRequest { PaymentId = payment.Id });
        var only = Assert.Single(after.Disputes);
        Assert.Equal((dispute.Id, Dispute.Types.Source.CardInquiry, 1), (only.Id, only.Source, only.History.Count));
        Assert.Contains(Gateway.Logs.Lines, l => l.Message.StartsWith("Rejected a card dispute notification", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Accept_WithAPartialRefund_RefundsThroughTheCardAcquirer_AndClosesTheDispute_AndBadRequestsChangeNothing()
    {
        var payment = await PaidByCardAsync(20_000);
        // An inquiry: the acquirer has taken nothing back yet, so accepting it refunds.
        var (dispute, _) = await RaiseAsync(payment, "inquiry");

        var over = await RpcErrors.CatchAsync(() => Merchant.AcceptDisputeAsync(new AcceptDisputeRequest { Id = dispute.Id, AmountMinor = 20_001 }).ResponseAsync);
        Assert.Equal((StatusCode.InvalidArgument, "PM-6055", "amount_minor"), (over.Code, over.Info.Reason, over.BadRequest?.FieldViolations.Single().Field));
        var big = await RpcErrors.CatchAsync(() => Merchant.AddDisputeEvidenceAsync(new AddDisputeEvidenceRequest
        {
            Id = dispute.Id,
            Kind = "receipt",
            Description = "scan",
            Content = ByteString.CopyFrom(new byte[1025]),
        }).ResponseAsync);
        Assert.Equal((StatusCode.InvalidArgument, "PM-6054", "content"), (big.Code, big.Info.Reason, big.BadRequest?.FieldViolations.Single().Field));
        var unknown = await RpcErrors.CatchAsync(() => Merchant.GetDisputeAsync(new GetDisputeRequest { Id = "dp_" + new string('0', 24) }).ResponseAsync);
        Assert.Equal((StatusCode.NotFound, "PM-6051"), (unknown.Code, unknown.Info.Reason));
        Assert.Equal(dispute.History, (await Merchant.GetDisputeAsync(new GetDisputeRequest { Id = dispute.Id })).History);

        var withEvidence = await Merchant.AddDisputeEvidenceAsync(new AddDisputeEvidenceRequest
        {
            Id = dispute.Id,
            Kind = "correspondence",
            Description = "the customer's e-mail",
            Content = ByteString.CopyFromUtf8("I did order it"),
        });
        Assert.Equal((14L, Dispute.Types.Level.Manual), (withEvidence.Evidence.Single().SizeBytes, withEvidence.Level));
        var accepted = await Merchant.AcceptDisputeAsync(new AcceptDisputeRequest { Id = dispute.Id, AmountMinor = 5_000, Reason = "goodwill" });

        Assert.Equal(Dispute.Types.State.Accepted, accepted.State);
        var refundId = Assert.Single(accepted.RefundIds);
        var refund = await Gateway.Payments.GetRefundAsync(new GetRefundRequest { Id = refundId });
        Assert.Equal((5_000L, Refund.Types.State.Succeeded, payment.Id), (refund.AmountMinor, refund.State, refund.PaymentId));
        var reference = payment.Attempts.Single(a => a.State == Attempt.Types.State.Succeeded).ChannelReference;
        Assert.Contains(fixture.Simulators.Card.Ledger, e => e.Reference == reference && e.Kind == "refund" && e.Amount == 5_000);

        var closed = await RpcErrors.CatchAsync(() => Merchant.ContestDisputeAsync(new ContestDisputeRequest { Id = dispute.Id, Reason = "changed our mind" }).ResponseAsync);
        Assert.Equal((StatusCode.FailedPrecondition, "PM-6052"), (closed.Code, closed.Info.Reason));
        var again = await RpcErrors.CatchAsync(() => Merchant.AcceptDisputeAsync(new AcceptDisputeRequest { Id = dispute.Id }).ResponseAsync);
        Assert.Equal("PM-6052", again.Info.Reason);
        Assert.Single((await Gateway.Payments.GetPaymentAsync(new GetPaymentRequest { Id = payment.Id })).Refunds);
    }

    [Fact]
    public async Task Arbitration_IsRecordedByAnOperator_WithItsPartiesAndARefund()
    {
        var payment = await PaidByCardAsync(30_000);
        var (dispute, _) = await RaiseAsync(payment, "inquiry");
        var contested = await Merchant.ContestDisputeAsync(new ContestDisputeRequest { Id = dispute.Id, Reason = "delivered and signed for" });
        Assert.Equal(Dispute.Types.State.Contested, contested.State);
        var escalated = await Merchant.EscalateDisputeAsync(new EscalateDisputeRequest { Id = dispute.Id, Reason = "the issuer will not accept our evidence" });
        Assert.Equal((Dispute.Types.State.Escalated, Dispute.Types.Level.Arbitration), (escalated.State, escalated.Level));

        var decision = new RecordArbitrationDecisionRequest
        {
            Id = dispute.Id,
            Outcome = ArbitrationDecision.Types.Outcome.Refund,
            Parties = { "merchant:" + Gateway.MerchantId, "issuer", "acquirer", "arbitrator:card network" },
            AmountMinor = 10_000,
            Note = "partial liability: the merchant refunds a third",
        };
        var byMerchant = await RpcErrors.CatchAsync(() => Merchant.RecordArbitrationDecisionAsync(decision).ResponseAsync);
        Assert.Equal((StatusCode.PermissionDenied, "PM-6017"), (byMerchant.Code, byMerchant.Info.Reason));
        var decided = await Operator.RecordArbitrationDecisionAsync(decision);

        Assert.Equal(Dispute.Types.State.Arbitrated, decided.State);
        Assert.Equal((ArbitrationDecision.Types.Outcome.Refund, 4, 10_000L), (decided.Arbitration.Outcome, decided.Arbitration.Parties.Count, decided.Arbitration.AmountMinor));
        Assert.Equal(decided.Arbitration.RefundId, Assert.Single(decided.RefundIds));
        var refund = await Gateway.Payments.GetRefundAsync(new GetRefundRequest { Id = decided.Arbitration.RefundId });
        Assert.Equal((10_000L, Refund.Types.State.Succeeded), (refund.AmountMinor, refund.State));
        Assert.Equal(["dispute.opened", "dispute.contested", "dispute.escalated", "dispute.arbitrated"], decided.History.Select(h => h.Type));
        // The operator sees it among every merchant's; the merchant sees it too.
        var all = await Operator.ListDisputesAsync(new ListDisputesRequest { State = Dispute.Types.State.Arbitrated, PageSize = 100 });
        Assert.Contains(all.Disputes, d => d.Id == dispute.Id);
        Assert.Equal(decided.Arbitration, (await Merchant.GetDisputeAsync(new GetDisputeRequest { Id = dispute.Id })).Arbitration);
    }

    [Fact]
    public async Task AcceptedChargeback_RefundsNothing_AtTheAcquirer_AndRecordsTheLoss()
    {
        var payment = await PaidByCardAsync(16_000);
        var (dispute, _) = await RaiseAsync(payment, "chargeback");

        var accepted = await Merchant.AcceptDisputeAsync(new AcceptDisputeRequest { Id = dispute.Id, Reason = "we cannot prove delivery" });

        Assert.Equal((Dispute.Types.State.Accepted, 16_000L), (accepted.State, accepted.ChargebackMinor));
        Assert.Empty(accepted.RefundIds);
        Assert.Equal(["dispute.opened", "dispute.accepted"], accepted.History.Select(h => h.Type));
        Assert.Empty((await Gateway.Payments.GetPaymentAsync(new GetPaymentRequest { Id = payment.Id })).Refunds);
        var reference = payment.Attempts.Single(a => a.State == Attempt.Types.State.Succeeded).ChannelReference;
        Assert.DoesNotContain(fixture.Simulators.Card.Ledger, e => e.Reference == reference && e.Kind == "refund");
    }

    [Fact]
    public async Task AChargebackAfterAnAcceptedInquiry_ReopensTheDispute_WithAnEventAndWebhook()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var endpoint = await new WebhookService.WebhookServiceClient(Gateway.Merchant).CreateWebhookEndpointAsync(new CreateWebhookEndpointRequest
        {
            Url = receiver.Url,
            Description = "reopened disputes",
            EventTypes = { "dispute.updated" },
        });
        receiver.Secret = endpoint.Secret;
        var payment = await PaidByCardAsync(17_000);
        var (inquiry, _) = await RaiseAsync(payment, "inquiry");
        var accepted = await Merchant.AcceptDisputeAsync(new AcceptDisputeRequest { Id = inquiry.Id, AmountMinor = 7_000 });
        Assert.Equal(Dispute.Types.State.Accepted, accepted.State);

        var (reopened, _) = await RaiseAsync(payment, "chargeback", d => d.Source == Dispute.Types.Source.CardChargeback);

        Assert.Equal((inquiry.Id, Dispute.Types.State.Open, true), (reopened.Id, reopened.State, reopened.Complex));
        Assert.Equal(["dispute.opened", "dispute.accepted", "dispute.updated"], reopened.History.Select(h => h.Type));
        Assert.Contains("reopened (it was ACCEPTED)", reopened.History[^1].Note, StringComparison.Ordinal);
        await receiver.WaitUntilAsync(r => r.Acknowledged.Any(a => a.Event.Type == "dispute.updated" && a.Event.Dispute.Id == inquiry.Id));
        // The chargeback is then accepted as a loss: the inquiry's refund stays the only refund.
        var lost = await Merchant.AcceptDisputeAsync(new AcceptDisputeRequest { Id = inquiry.Id });
        Assert.Equal((Dispute.Types.State.Accepted, 17_000L), (lost.State, lost.ChargebackMinor));
        Assert.Single((await Gateway.Payments.GetPaymentAsync(new GetPaymentRequest { Id = payment.Id })).Refunds);
    }

    [Fact]
    public async Task Screening_ASuccessFarAboveTheCustomersUsualAmount_OpensADisputeWithAReport()
    {
        var customer = "cus_" + Guid.NewGuid().ToString("N")[..12];
        for (var i = 0; i < 3; i++)
        {
            await PaidByCardAsync(12_000, customer);
        }
        // Each is screened (and joins the history) before the next is compared with them.
        var store = Gateway.Services.GetRequiredService<IDisputeStore>();
        await GatewayUnderTest.WaitUntilAsync(async () => (await store.CustomerHistoryAsync(Gateway.MerchantId, customer, "", 10, CancellationToken.None)).Count == 3,
            TimeSpan.FromSeconds(20), "the customer's history screened");
        var odd = await PaidByCardAsync(18_000, customer);

        Dispute? dispute = null;
        await GatewayUnderTest.WaitUntilAsync(async () =>
        {
            dispute = (await Merchant.ListDisputesAsync(new ListDisputesRequest { PaymentId = odd.Id })).Disputes.SingleOrDefault();
            return dispute is not null;
        }, TimeSpan.FromSeconds(20), "the screening's dispute");

        Assert.Equal((Dispute.Types.Source.Screening, Dispute.Types.Level.Automatic, false), (dispute!.Source, dispute.Level, dispute.Complex));
        var deviation = Assert.Single(dispute.Report.Deviations);
        Assert.Equal(("amount", "18000", "12000", "50.0"), (deviation.Kind, deviation.Observed, deviation.Usual, deviation.DeviationPercent));
        Assert.Equal((customer, 3), (dispute.Report.CustomerId, dispute.Report.HistorySize));
        Assert.Contains("180.00 USD is 50.0% above the customer's usual 120.00 USD", dispute.Report.Summary, StringComparison.Ordinal);
        Assert.InRange(dispute.DueTime.ToDateTimeOffset() - dispute.CreateTime.ToDateTimeOffset(), TimeSpan.FromHours(24) - TimeSpan.FromSeconds(1), TimeSpan.FromHours(24));
    }

    [Fact]
    public async Task AnotherMerchant_SeesNoneOfTheseDisputes_AndItsCallsAreNotFound_WhileRestServesTheOwner()
    {
        var payment = await PaidByCardAsync(13_000);
        var (dispute, _) = await RaiseAsync(payment, "inquiry");
        var admin = new AdminService.AdminServiceClient(Gateway.Operator);
        var merchant = await admin.CreateMerchantAsync(new CreateMerchantRequest { Name = "Other merchant " + Guid.NewGuid().ToString("N")[..6] });
        var key = await admin.CreateApiKeyAsync(new CreateApiKeyRequest { MerchantId = merchant.Id, Description = "dispute isolation" });
        var other = new DisputeService.DisputeServiceClient(ApiCredentials.WithKey(Gateway.Channel, key.Secret));

        Assert.Empty((await other.ListDisputesAsync(new ListDisputesRequest { PageSize = 100 })).Disputes);
        var theirs = await RpcErrors.CatchAsync(() => other.ContestDisputeAsync(new ContestDisputeRequest { Id = dispute.Id, Reason = "not mine" }).ResponseAsync);
        Assert.Equal((StatusCode.NotFound, "PM-6051"), (theirs.Code, theirs.Info.Reason));
        Assert.Equal(Dispute.Types.State.Open, (await Merchant.GetDisputeAsync(new GetDisputeRequest { Id = dispute.Id })).State);

        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Gateway.Credentials.MerchantKey);
        var listed = await http.GetStringAsync($"{Gateway.HttpBaseUrl}/v1/disputes?paymentId={payment.Id}");
        Assert.Contains($"\"id\": \"{dispute.Id}\"", listed.Replace("\":\"", "\": \"", StringComparison.Ordinal), StringComparison.Ordinal);
        using var contest = await http.PostAsync($"{Gateway.HttpBaseUrl}/v1/disputes/{dispute.Id}:contest",
            new StringContent("{\"reason\": \"the payer received the goods\"}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.OK, contest.StatusCode);
        Assert.Equal(Dispute.Types.State.Contested, (await Merchant.GetDisputeAsync(new GetDisputeRequest { Id = dispute.Id })).State);
    }
}
