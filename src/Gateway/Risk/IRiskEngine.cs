using Paygate.Adapters.Contract;
using Paygate.Adapters.Money;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Risk;

/// <summary>
/// Decides ALLOW, CHALLENGE or BLOCK for a payment before it is routed (on CreatePayment and RetryPayment), and
/// previews the same for RecommendChannels. Must answer in well under a millisecond: it keeps what it counts in memory.
/// </summary>
public interface IRiskEngine
{
    /// <summary>The decision for <paramref name="request"/>; records nothing (see <see cref="IPaymentObserver"/> for what it learns).</summary>
    RiskAssessment Assess(RiskRequest request);
}

/// <summary>What the risk engine reads about a payment.</summary>
/// <param name="MerchantId">The merchant.</param>
/// <param name="Amount">The amount.</param>
/// <param name="Customer">The customer as given (id, country, registered location).</param>
/// <param name="Payer">Where the payer is (IP, location, device), if the merchant said.</param>
/// <param name="CardFingerprint">The card's keyed fingerprint, for a card payment.</param>
/// <param name="Method">The payment method: the channel the payer named, else the first routed candidate.</param>
/// <param name="BankAccount">The payer's account for a credit transfer (SWIFT): its holder's name is screened.</param>
/// <param name="Now">When.</param>
/// <param name="PaymentId">The payment, on RetryPayment (its own earlier declines count); null on creation and preview.</param>
public sealed record RiskRequest(
    string MerchantId,
    Money Amount,
    CustomerInfo Customer,
    PayerContext? Payer,
    string? CardFingerprint,
    string Method,
    PayerAccount? BankAccount,
    DateTimeOffset Now,
    string? PaymentId = null);
