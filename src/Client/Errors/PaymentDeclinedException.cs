using Paygate.V1;

namespace Paygate.Client.Errors;

/// <summary>
/// The payer's side said no: funds, card or credentials (PM-1xxx) or risk control (PM-3xxx). Another channel would not change it;
/// the payer may pay again with another method.
/// </summary>
public sealed class PaymentDeclinedException(PaygateError error, Payment? payment = null, string? requestId = null, Exception? innerException = null)
    : PaymentFailedException(error, payment, requestId, innerException);
