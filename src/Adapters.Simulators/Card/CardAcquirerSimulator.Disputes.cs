using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Paygate.Simulators.Notifications;
using Paygate.Simulators.Signing;

namespace Paygate.Simulators.Card;

/// <summary>A dispute the simulated acquirer raised on a captured payment, at one stage.</summary>
/// <param name="Id">The acquirer's dispute id (the same through its stages).</param>
/// <param name="MerchantAccount">The merchant account of the payment.</param>
/// <param name="PaymentReference">The merchant's payment reference.</param>
/// <param name="Stage"><c>inquiry</c> (retrieval request), <c>chargeback</c> or <c>pre_arbitration</c>.</param>
/// <param name="ReasonCode">The network's reason code, e.g. <c>10.4</c>.</param>
/// <param name="Reason">The reason in words.</param>
/// <param name="Amount">Minor units disputed.</param>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="RespondBy">The merchant's deadline to respond.</param>
public sealed record CardDispute(string Id, string MerchantAccount, string PaymentReference, string Stage, string ReasonCode, string Reason, long Amount, string Currency,
    DateTimeOffset RespondBy);

public sealed partial class CardAcquirerSimulator
{
    /// <summary>The stages an issuer's dispute goes through, in order.</summary>
    public static readonly IReadOnlyList<string> DisputeStages = ["inquiry", "chargeback", "pre_arbitration"];

    private readonly List<CardDispute> _disputes = [];

    /// <summary>Every dispute notice raised, in order.</summary>
    public IReadOnlyList<CardDispute> Disputes
    {
        get
        {
            lock (_gate)
            {
                return _disputes.ToArray();
            }
        }
    }

    /// <summary>
    /// Raises a dispute notice on a captured payment, as an issuer would through the network: a retrieval request (inquiry), a first
    /// chargeback with its reason code and response deadline, or a pre-arbitration. Sent as a signed webhook to the payment's notify
    /// URL, with the payments' retry schedule. Null when no captured payment has that reference, or it named no notify URL.
    /// </summary>
    public CardDispute? RaiseDispute(string reference, string stage, string reasonCode = "10.4", string reason = "Other Fraud - Card-Absent Environment",
        long? amount = null, string? disputeId = null)
    {
        if (!DisputeStages.Contains(stage))
        {
            throw new ArgumentException($"stage must be one of {string.Join(", ", DisputeStages)}", nameof(stage));
        }
        CardDispute dispute;
        lock (_gate)
        {
            var payment = _payments.Values.FirstOrDefault(p => p.Reference == reference && p.Status == "captured");
            if (payment?.NotifyUrl is null)
            {
                return null;
            }
            // A later stage of the same dispute keeps its id.
            var id = disputeId ?? _disputes.LastOrDefault(d => d.PaymentReference == reference && d.MerchantAccount == payment.MerchantAccount)?.Id
                ?? "dsp_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
            var respondWithin = stage == "inquiry" ? TimeSpan.FromDays(20) : TimeSpan.FromDays(30);
            dispute = new CardDispute(id, payment.MerchantAccount, reference, stage, reasonCode, reason, Math.Min(amount ?? payment.Amount, payment.Amount), payment.Currency,
                _clock.GetUtcNow() + respondWithin);
            _disputes.Add(dispute);
            Notifier.Enqueue(new OutgoingNotification(reference, "evt_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant(), payment.NotifyUrl,
                "dispute." + stage, dispute));
        }
        return dispute;
    }

    private HttpRequestMessage BuildDisputeWebhook(OutgoingNotification item, CardDispute dispute)
    {
        CardSandboxAccount account;
        lock (_gate)
        {
            account = _accountsByKey.Values.First(a => a.MerchantAccount == dispute.MerchantAccount);
        }
        var body = new JsonObject
        {
            ["id"] = item.NotificationId,
            ["type"] = item.Status,
            ["data"] = new JsonObject
            {
                ["id"] = dispute.Id,
                ["merchant_account"] = dispute.MerchantAccount,
                ["payment_reference"] = dispute.PaymentReference,
                ["stage"] = dispute.Stage,
                ["reason_code"] = dispute.ReasonCode,
                ["reason"] = dispute.Reason,
                ["amount"] = new JsonObject { ["value"] = dispute.Amount, ["currency"] = dispute.Currency },
                ["respond_by"] = dispute.RespondBy.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            },
        }.ToJsonString();
        var request = new HttpRequestMessage(HttpMethod.Post, item.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation(CardEndpoints.SignatureHeader, HmacHeader.Sign(body, account.SigningSecret, _clock.GetUtcNow()));
        return request;
    }
}
