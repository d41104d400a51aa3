using Paygate.Simulators.Signing;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Paygate.Simulators.Notifications;

namespace Paygate.Simulators.Card;

/// <summary>A merchant account at the simulated acquirer. Holds secrets.</summary>
/// <param name="MerchantAccount">The account name.</param>
/// <param name="ApiKey">The bearer API key.</param>
/// <param name="SigningSecret">The HMAC secret of responses and webhooks.</param>
public sealed record CardSandboxAccount(string MerchantAccount, string ApiKey, string SigningSecret);

/// <summary>One payment as the simulated acquirer keeps it (no card number: brand and last four only).</summary>
public sealed record CardPayment(string Id, string MerchantAccount, string Reference, long Amount, string Currency, string Status, string ResponseCode, string Brand, string Last4, string? NotifyUrl)
{
    /// <summary><c>captured</c>, <c>declined</c>, or on the 3-D Secure path <c>requires_authentication</c>, <c>authenticated</c>, <c>authentication_failed</c>, <c>canceled</c>.</summary>
    public string Status { get; set; } = Status;
    public string ResponseCode { get; set; } = ResponseCode;
    public long Refunded { get; set; }
    /// <summary>The 3-D Secure authentication, when the issuer asked for one (the acquirer keeps the card meanwhile, as its decision).</summary>
    public CardAuthentication? Authentication { get; set; }
}

/// <summary>What the simulated acquirer really moved.</summary>
/// <param name="Reference">The merchant's payment reference.</param>
/// <param name="Kind"><c>charge</c> or <c>refund</c>.</param>
/// <param name="Amount">Minor units.</param>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="Time">When.</param>
/// <param name="RefundReference">A refund's own reference.</param>
public sealed record CardLedgerEntry(string Reference, string Kind, long Amount, string Currency, DateTimeOffset Time, string? RefundReference = null);

/// <summary>An acquirer answer before it is signed.</summary>
internal sealed record CardAnswer(int Status, JsonObject Body)
{
    public static CardAnswer Error(int status, string code, string message) =>
        new(status, new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } });
}

/// <summary>
/// The simulated card acquirer and issuers: authorize-and-capture decided by the test card table, idempotency keys
/// honoured (a repeat returns the first answer, never a second charge), refunds, a ledger, signed webhooks.
/// </summary>
public sealed partial class CardAcquirerSimulator : IDisposable
{
    private static readonly IReadOnlyList<TimeSpan> WebhookSchedule =
    [
        TimeSpan.Zero, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(6), TimeSpan.FromHours(24),
    ];

    private readonly Lock _gate = new();
    private readonly Dictionary<string, CardSandboxAccount> _accountsByKey = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Account, string Reference), CardPayment> _payments = new();
    private readonly Dictionary<(string Account, string Reference), (JsonObject Answer, string PaymentReference, long Amount)> _refunds = new();
    private readonly Dictionary<(string Account, string Key), (string RequestHash, CardAnswer Answer)> _idempotency = new();
    private readonly List<CardLedgerEntry> _ledger = [];
    private readonly TimeProvider _clock;
    private long _sequence;

    public CardAcquirerSimulator(TimeProvider clock)
    {
        _clock = clock;
        Notifier = new NotificationOutbox(WebhookSchedule, BuildWebhook, (status, _) => status is >= 200 and < 300, clock);
    }

    internal TimeProvider Clock => _clock;
    public NotificationOutbox Notifier { get; }

    public CardSandboxAccount IssueSandboxAccount()
    {
        var account = new CardSandboxAccount(
            "PaygateSandbox" + RandomNumberGenerator.GetInt32(1000, 9999).ToString(CultureInfo.InvariantCulture),
            "sk_test_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant(),
            "whsec_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant());
        lock (_gate)
        {
            _accountsByKey[account.ApiKey] = account;
        }
        return account;
    }

    internal CardSandboxAccount? Authenticate(string? bearer)
    {
        lock (_gate)
        {
            return bearer is null ? null : _accountsByKey.GetValueOrDefault(bearer);
        }
    }

    public IReadOnlyList<CardLedgerEntry> Ledger
    {
        get
        {
            lock (_gate)
            {
                return _ledger.ToArray();
            }
        }
    }

    public IReadOnlyList<CardPayment> Payments
    {
        get
        {
            lock (_gate)
            {
                return _payments.Values.ToArray();
            }
        }
    }

    /// <summary>Runs a write once per idempotency key: a repeat with the same body gets the first answer; another body is a 409.</summary>
    internal async Task<CardAnswer> OnceAsync(CardSandboxAccount account, string? key, string body, Func<Task<CardAnswer>> run)
    {
        if (string.IsNullOrEmpty(key))
        {
            return CardAnswer.Error(400, "idempotency_key_required", "Idempotency-Key header is required on writes");
        }
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(body)));
        lock (_gate)
        {
            if (_idempotency.TryGetValue((account.MerchantAccount, key), out var earlier))
            {
                return earlier.RequestHash == hash ? earlier.Answer : CardAnswer.Error(409, "idempotency_conflict", "this Idempotency-Key was used with another request");
            }
        }
        var answer = await run();
        lock (_gate)
        {
            if (answer.Status < 500)
            {
                _idempotency.TryAdd((account.MerchantAccount, key), (hash, answer));
            }
        }
        return answer;
    }

    /// <param name="account">The merchant.</param>
    /// <param name="body">The authorisation request.</param>
    /// <param name="challengeBaseUrl">Where this acquirer's pages are served (<c>http://host/card</c>), for a 3-D Secure challenge.</param>
    internal async Task<CardAnswer> AuthorizeAsync(CardSandboxAccount account, JsonElement body, string challengeBaseUrl)
    {
        var reference = Str(body, "reference");
        if (reference is null || Str(body, "merchant_account") != account.MerchantAccount
            || !body.TryGetProperty("amount", out var amount) || !amount.TryGetProperty("value", out var v) || !v.TryGetInt64(out var value) || value < 1
            || Str(amount, "currency") is not { Length: 3 } currency || !body.TryGetProperty("card", out var card))
        {
            return CardAnswer.Error(400, "invalid_request", "reference, merchant_account, amount and card are required");
        }
        lock (_gate)
        {
            if (_payments.ContainsKey((account.MerchantAccount, reference)))
            {
                return CardAnswer.Error(409, "duplicate_reference", "a payment with this reference exists");
            }
        }
        string responseCode;
        string? answeredCode = null;
        var challenge = CardChallenge.None;
        var delay = 0;
        string brand, last4;
        if (Str(card, "token") is { } token)
        {
            (responseCode, brand, last4) = token.StartsWith("tok_", StringComparison.Ordinal) ? ("00", "visa", "4242") : ("14", "unknown", "");
        }
        else
        {
            var number = Str(card, "number") ?? "";
            var month = card.TryGetProperty("exp_month", out var m) && m.TryGetInt32(out var mm) ? mm : 0;
            var year = card.TryGetProperty("exp_year", out var y) && y.TryGetInt32(out var yy) ? yy : 0;
            last4 = number.Length >= 4 ? number[^4..] : "";
            brand = number.StartsWith('4') ? "visa" : number.StartsWith('5') ? "mastercard" : "unknown";
            var now = _clock.GetUtcNow();
            if (!CardTestCards.LuhnValid(number))
            {
                responseCode = "14";
            }
            else if (month is < 1 or > 12 || year < now.Year || (year == now.Year && month < now.Month))
            {
                responseCode = "54";
            }
            else if (CardTestCards.Table.TryGetValue(number, out var behaviour))
            {
                (responseCode, delay, answeredCode, challenge) = (behaviour.ResponseCode, behaviour.DelayMs, behaviour.AnsweredCode, behaviour.Challenge);
            }
            else
            {
                responseCode = "00";
            }
        }
        if (delay > 0)
        {
            // The issuer keeps working when the merchant stops waiting: a slow approval still charges the card.
            await Task.Delay(delay, CancellationToken.None);
        }
        var payment = new CardPayment("pay_" + (Interlocked.Increment(ref _sequence)).ToString("D12", CultureInfo.InvariantCulture), account.MerchantAccount, reference,
            value, currency, responseCode == "00" ? "captured" : "declined", responseCode, brand, last4, Str(body, "notify_url"));
        if (challenge != CardChallenge.None)
        {
            return Challenge(payment, responseCode, challenge, challengeBaseUrl);
        }
        lock (_gate)
        {
            if (!_payments.TryAdd((account.MerchantAccount, reference), payment))
            {
                return CardAnswer.Error(409, "duplicate_reference", "a payment with this reference exists");
            }
            if (payment.Status == "captured")
            {
                _ledger.Add(new CardLedgerEntry(reference, "charge", value, currency, _clock.GetUtcNow()));
            }
        }
        if (payment.NotifyUrl is not null && payment.Status == "captured")
        {
            Notifier.Enqueue(new OutgoingNotification(reference, "evt_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant(), payment.NotifyUrl, payment.Status, payment));
        }
        var answer = PaymentJson(payment);
        if (answeredCode is not null)
        {
            // The acquirer's answer misreports what the issuer did (a duplicate transmission): the ledger and queries hold the truth.
            answer["response_code"] = answeredCode;
            answer["status"] = "declined";
            answer["decline_code"] = "duplicate transmission";
        }
        return new CardAnswer(201, answer);
    }

    internal CardAnswer GetPayment(CardSandboxAccount account, string reference)
    {
        lock (_gate)
        {
            return _payments.TryGetValue((account.MerchantAccount, reference), out var payment)
                ? new CardAnswer(200, PaymentJson(payment))
                : CardAnswer.Error(404, "not_found", "no payment with this reference");
        }
    }

    internal CardAnswer Refund(CardSandboxAccount account, JsonElement body)
    {
        var paymentReference = Str(body, "payment_reference");
        var reference = Str(body, "reference");
        if (paymentReference is null || reference is null || !body.TryGetProperty("amount", out var amount)
            || !amount.TryGetProperty("value", out var v) || !v.TryGetInt64(out var value) || value < 1)
        {
            return CardAnswer.Error(400, "invalid_request", "payment_reference, reference and amount are required");
        }
        lock (_gate)
        {
            if (!_payments.TryGetValue((account.MerchantAccount, paymentReference), out var payment))
            {
                return CardAnswer.Error(404, "not_found", "no payment with this reference");
            }
            if (payment.Status != "captured" || payment.Refunded + value > payment.Amount)
            {
                var failed = RefundJson(reference, paymentReference, value, payment.Currency, "failed", "13");
                return new CardAnswer(201, failed);
            }
            payment.Refunded += value;
            var answer = RefundJson(reference, paymentReference, value, payment.Currency, "succeeded", "00");
            _refunds[(account.MerchantAccount, reference)] = (answer, paymentReference, value);
            _ledger.Add(new CardLedgerEntry(paymentReference, "refund", value, payment.Currency, _clock.GetUtcNow(), reference));
            return new CardAnswer(201, answer);
        }
    }

    internal CardAnswer GetRefund(CardSandboxAccount account, string reference)
    {
        lock (_gate)
        {
            return _refunds.TryGetValue((account.MerchantAccount, reference), out var refund)
                ? new CardAnswer(200, (JsonObject)refund.Answer.DeepClone())
                : CardAnswer.Error(404, "not_found", "no refund with this reference");
        }
    }

    private static JsonObject RefundJson(string reference, string paymentReference, long value, string currency, string status, string code) => new()
    {
        ["id"] = "re_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant(),
        ["reference"] = reference,
        ["payment_reference"] = paymentReference,
        ["status"] = status,
        ["response_code"] = code,
        ["amount"] = new JsonObject { ["value"] = value, ["currency"] = currency },
    };

    internal static JsonObject PaymentJson(CardPayment payment)
    {
        var json = new JsonObject
        {
            ["id"] = payment.Id,
            ["merchant_account"] = payment.MerchantAccount,
            ["reference"] = payment.Reference,
            ["status"] = payment.Status,
            ["response_code"] = payment.ResponseCode,
            ["amount"] = new JsonObject { ["value"] = payment.Amount, ["currency"] = payment.Currency },
            ["card"] = new JsonObject { ["brand"] = payment.Brand, ["last4"] = payment.Last4 },
        };
        if (payment.Authentication is { } authentication)
        {
            json["authentication"] = AuthenticationJson(authentication);
        }
        if (payment.ResponseCode != "00")
        {
            json["decline_code"] = CardTestCards.Table.Values.FirstOrDefault(t => t.ResponseCode == payment.ResponseCode)?.Note ?? "declined";
        }
        return json;
    }

    private HttpRequestMessage BuildWebhook(OutgoingNotification item)
    {
        if (item.Order is CardDispute dispute)
        {
            return BuildDisputeWebhook(item, dispute);
        }
        var payment = (CardPayment)item.Order;
        CardSandboxAccount account;
        lock (_gate)
        {
            account = _accountsByKey.Values.First(a => a.MerchantAccount == payment.MerchantAccount);
        }
        var body = new JsonObject { ["id"] = item.NotificationId, ["type"] = "payment." + item.Status, ["data"] = PaymentJson(payment) }.ToJsonString();
        var request = new HttpRequestMessage(HttpMethod.Post, item.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation(CardEndpoints.SignatureHeader, HmacHeader.Sign(body, account.SigningSecret, _clock.GetUtcNow()));
        return request;
    }

    private static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public void Dispose() => Notifier.Dispose();
}
