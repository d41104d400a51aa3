using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Paygate.Simulators.Notifications;

namespace Paygate.Simulators.Card;

/// <summary>A 3-D Secure authentication the acquirer runs for one payment.</summary>
/// <param name="Id">The authentication's id (<c>auth_...</c>): the merchant sends it back with the authorisation.</param>
/// <param name="RedirectUrl">The challenge page the payer is sent to.</param>
/// <param name="Challenge">How the simulated payer's challenge ends.</param>
/// <param name="IssuerCode">What the issuer answers once the payer is authenticated.</param>
public sealed record CardAuthentication(string Id, string RedirectUrl, CardChallenge Challenge, string IssuerCode)
{
    /// <summary>EMV 3DS <c>transStatus</c>: <c>C</c> while the challenge waits, then <c>Y</c> or <c>N</c>.</summary>
    public string TransStatus { get; set; } = "C";
    /// <summary>The authentication value (CAVV-like) once authenticated.</summary>
    public string? Cavv { get; set; }
    /// <summary>The electronic commerce indicator once authenticated (Visa 05: fully authenticated).</summary>
    public string? Eci { get; set; }
}

/// <summary>The acquirer's 3-D Secure flow: a soft decline 1A with a challenge, the challenge's end, and the authorisation sent again with its result.</summary>
public sealed partial class CardAcquirerSimulator
{
    /// <summary>The issuer asks for strong customer authentication: nothing is charged, the payer is sent to the challenge page.</summary>
    private CardAnswer Challenge(CardPayment payment, string issuerCode, CardChallenge challenge, string challengeBaseUrl)
    {
        var id = "auth_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();
        payment.Status = "requires_authentication";
        payment.ResponseCode = "1A";
        payment.Authentication = new CardAuthentication(id, $"{challengeBaseUrl}/3ds/challenge/{id}", challenge, issuerCode);
        lock (_gate)
        {
            if (!_payments.TryAdd((payment.MerchantAccount, payment.Reference), payment))
            {
                return CardAnswer.Error(409, "duplicate_reference", "a payment with this reference exists");
            }
            return new CardAnswer(201, PaymentJson(payment));
        }
    }

    /// <summary>The payer finished (or gave up) the challenge: the result is kept and the merchant notified. False when there is no such challenge.</summary>
    public bool CompleteChallenge(string authenticationId, bool completed)
    {
        CardPayment? payment;
        lock (_gate)
        {
            payment = _payments.Values.FirstOrDefault(p => p.Authentication?.Id == authenticationId);
            if (payment?.Authentication is not { } authentication)
            {
                return false;
            }
            if (payment.Status != "requires_authentication")
            {
                return true;
            }
            if (completed && authentication.Challenge == CardChallenge.Passes)
            {
                authentication.TransStatus = "Y";
                authentication.Cavv = Convert.ToBase64String(RandomNumberGenerator.GetBytes(20));
                authentication.Eci = "05";
                payment.Status = "authenticated";
            }
            else
            {
                authentication.TransStatus = "N";
                payment.Status = "authentication_failed";
            }
        }
        if (payment.NotifyUrl is not null)
        {
            Notifier.Enqueue(new OutgoingNotification(payment.Reference, "evt_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant(), payment.NotifyUrl, payment.Status, payment));
        }
        return true;
    }

    /// <summary>
    /// The authorisation sent again with the payer's authentication. Once decided, every later call gets the decision: the
    /// card is charged at most once per reference.
    /// </summary>
    internal CardAnswer AuthorizeAuthenticated(CardSandboxAccount account, string reference, JsonElement body)
    {
        CardPayment? payment;
        lock (_gate)
        {
            if (!_payments.TryGetValue((account.MerchantAccount, reference), out payment))
            {
                return CardAnswer.Error(404, "not_found", "no payment with this reference");
            }
            if (payment is { Status: "authenticated", Authentication: { } authentication } && Str(body, "authentication_id") == authentication.Id)
            {
                var approved = authentication.IssuerCode == "00";
                payment.Status = approved ? "captured" : "declined";
                payment.ResponseCode = authentication.IssuerCode;
                if (approved)
                {
                    _ledger.Add(new CardLedgerEntry(reference, "charge", payment.Amount, payment.Currency, _clock.GetUtcNow()));
                }
            }
            else
            {
                // Not (or no longer) waiting for this authorisation: the payment as it stands is the answer.
                return new CardAnswer(200, PaymentJson(payment));
            }
        }
        if (payment.NotifyUrl is not null && payment.Status == "captured")
        {
            Notifier.Enqueue(new OutgoingNotification(reference, "evt_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant(), payment.NotifyUrl, payment.Status, payment));
        }
        lock (_gate)
        {
            return new CardAnswer(201, PaymentJson(payment));
        }
    }

    /// <summary>Cancels a payment still waiting for its authentication, so that it can no longer be charged; any other payment is answered as it stands.</summary>
    internal CardAnswer Cancel(CardSandboxAccount account, string reference)
    {
        lock (_gate)
        {
            if (!_payments.TryGetValue((account.MerchantAccount, reference), out var payment))
            {
                return CardAnswer.Error(404, "not_found", "no payment with this reference");
            }
            if (payment.Status is "requires_authentication" or "authenticated")
            {
                payment.Status = "canceled";
            }
            return new CardAnswer(200, PaymentJson(payment));
        }
    }

    private static JsonObject AuthenticationJson(CardAuthentication authentication)
    {
        var json = new JsonObject { ["id"] = authentication.Id, ["trans_status"] = authentication.TransStatus };
        if (authentication.TransStatus == "C")
        {
            json["redirect_url"] = authentication.RedirectUrl;
        }
        if (authentication.Cavv is not null)
        {
            json["cavv"] = authentication.Cavv;
            json["eci"] = authentication.Eci;
        }
        return json;
    }
}
