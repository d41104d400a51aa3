namespace Paygate.Gateway.Risk.Verification;

/// <summary>
/// Delivers a risk challenge's one-time code to the payer (SMS, e-mail, the merchant's app). Pluggable: the sandbox's
/// sender logs it and shows it to tests; a live gateway registers one that reaches payers. The code must go nowhere else.
/// </summary>
public interface IVerificationSender
{
    /// <summary>Sends the code; throws when it could not be handed over (the challenge then fails closed).</summary>
    Task SendAsync(VerificationMessage message, CancellationToken cancellationToken);
}

/// <summary>A code to deliver.</summary>
/// <param name="PaymentId">The payment challenged.</param>
/// <param name="MerchantId">Its merchant.</param>
/// <param name="Contact">Where to send it as the merchant gave it (phone in E.164 or e-mail), or null.</param>
/// <param name="Code">The code.</param>
/// <param name="ExpireTime">Until when it is good.</param>
public sealed record VerificationMessage(string PaymentId, string MerchantId, string? Contact, string Code, DateTimeOffset ExpireTime)
{
    public override string ToString() => $"verification code for {PaymentId}"; // never the code or the contact
}
