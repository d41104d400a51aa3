using Paygate.Adapters.Contract;
using Paygate.Adapters.Errors;
using Paygate.Gateway.Risk;
using Paygate.Gateway.Risk.Verification;

namespace Paygate.Gateway.Payments;

/// <summary>
/// Risk control's part of the payment path: asks the engine before routing (none registered: every payment is allowed,
/// unassessed), and runs a challenge: a fresh code kept as a keyed hash, sent through the configured sender, the card of a
/// challenged card payment held in memory only until the code is confirmed or lapses.
/// </summary>
internal sealed class PaymentChallenges(
    IRiskEngine? engine,
    VerificationCodes? codes,
    IVerificationSender? sender,
    ChallengeOptions options,
    TimeProvider clock,
    ILogger logger)
{
    private readonly HeldCards _cards = new(clock);

    /// <summary>The engine's decision, or null when no engine is registered. A challenge nobody can deliver becomes a block.</summary>
    public RiskAssessment? Assess(RiskRequest request)
    {
        if (engine?.Assess(request) is not { } assessment)
        {
            return null;
        }
        if (assessment.Outcome == RiskOutcome.Challenge && (sender is null || codes is null))
        {
            // Fail closed: a challenge the payer can never answer must not let the payment through, nor hang it.
            logger.ChallengeUndeliverable(request.PaymentId ?? "(new)", request.MerchantId);
            return assessment with
            {
                Outcome = RiskOutcome.Block,
                Hits = [.. assessment.Hits, new RiskRuleHit("verification.unavailable", RiskOutcome.Block,
                    "a challenge was required but no verification sender is configured (Risk:Verification)", new Dictionary<string, string>())],
            };
        }
        return assessment;
    }

    /// <summary>A new challenge for <paramref name="paymentId"/>, with its code (to send once the payment is written).</summary>
    public (VerificationChallenge Challenge, string Code) Issue(string paymentId, RiskAssessment assessment, string? maskedContact, string? preferredChannel,
        DateTimeOffset paymentExpireTime, PaymentCard? card, string? cardFingerprint)
    {
        var code = VerificationCodes.NewCode(options.CodeLengthFor(assessment.CustomerLevel));
        var now = clock.GetUtcNow();
        var challenge = new VerificationChallenge
        {
            CodeHash = codes!.Hash(paymentId, code),
            CodeLength = code.Length,
            // Never past the payment's own time: a code confirmed after it would send an expired payment to a channel.
            ExpireTime = now + options.CodeLifetime < paymentExpireTime ? now + options.CodeLifetime : paymentExpireTime,
            AttemptsLeft = options.AttemptsFor(assessment.CustomerLevel),
            SentTo = maskedContact ?? "",
            PreferredChannel = preferredChannel,
            PaysByCard = card is not null,
            CardFingerprint = cardFingerprint,
        };
        return (challenge, code);
    }

    /// <summary>Sends the code of a written challenge and holds the card of a card payment until the challenge lapses.</summary>
    public async Task SendAsync(Payment payment, string code, string? contact, PaymentCard? card)
    {
        var challenge = payment.Challenge!;
        if (card is not null)
        {
            _cards.Hold(payment.Id, card, challenge.ExpireTime);
        }
        try
        {
            await sender!.SendAsync(new VerificationMessage(payment.Id, payment.MerchantId, contact, code, challenge.ExpireTime), CancellationToken.None);
            logger.ChallengeSent(payment.Id, challenge.SentTo, challenge.CodeLength, challenge.ExpireTime);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The payment waits with its challenge; nobody can answer it, so it fails when the code lapses (the payer may pay again).
            logger.ChallengeNotSent(ex, payment.Id);
        }
    }

    /// <summary>Whether <paramref name="code"/> is the challenge's.</summary>
    public bool Matches(Payment payment, string code) => codes!.Matches(payment.Id, code, payment.Challenge!.CodeHash);

    /// <summary>The card held for a challenged card payment, once; null when this instance does not hold it.</summary>
    public PaymentCard? TakeCard(string paymentId) => _cards.Take(paymentId);

    /// <summary>Refused: the challenged card payment's card is not held here (a restart, another instance).</summary>
    public static PaymentException CardNeeded(string paymentId) =>
        new(ErrorCatalogue.VerificationCardNeeded, $"payment {paymentId} is a card payment: give payment_method.card again with the code",
            metadata: new Dictionary<string, string> { ["payment_id"] = paymentId });

    public static PaymentException WrongCode(Payment payment) =>
        new(ErrorCatalogue.VerificationCodeWrong, $"the verification code for payment {payment.Id} is wrong",
            [new FieldViolation("verification_code", $"wrong code; {payment.Challenge!.AttemptsLeft} tries left")],
            metadata: new Dictionary<string, string> { ["payment_id"] = payment.Id, ["attempts_left"] = payment.Challenge.AttemptsLeft.ToString(System.Globalization.CultureInfo.InvariantCulture) });
}
