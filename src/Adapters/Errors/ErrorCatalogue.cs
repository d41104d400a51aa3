using Grpc.Core;

namespace Paygate.Adapters.Errors;

/// <summary>
/// The one catalogue of unified <c>PM-NNNN</c> codes. Families: 1xxx payer and funds declines,
/// 2xxx timeouts and unknown outcomes, 3xxx risk and compliance, 4xxx channel failures,
/// 5xxx message format, 6xxx merchant request, authentication and configuration.
/// </summary>
public static class ErrorCatalogue
{
    // 1xxx: the payer's side said no. Another channel would not change the payer's balance.
    public static readonly ErrorCode InsufficientBalance = new("PM-1001", "The payer's balance is insufficient.",
        StatusCode.FailedPrecondition, ErrorDecision.DoNotRetry, "Insufficient balance. Please use another payment method.");
    public static readonly ErrorCode PayerCredentialInvalid = new("PM-1002", "The payer's payment code or credential is invalid or expired.",
        StatusCode.FailedPrecondition, ErrorDecision.DoNotRetry, "The payment code is invalid. Please refresh it and try again.");
    public static readonly ErrorCode TradeClosed = new("PM-1003", "The channel order is closed and can no longer be paid.",
        StatusCode.FailedPrecondition, ErrorDecision.DoNotRetry, "This payment has been closed. Please start a new payment.");
    public static readonly ErrorCode PayerLimitExceeded = new("PM-1004", "The amount exceeds the payer's or the channel's limit.",
        StatusCode.FailedPrecondition, ErrorDecision.DoNotRetry, "The amount exceeds your payment limit. Please use another payment method.");
    public static readonly ErrorCode PayerAccountRestricted = new("PM-1005", "The payer's account is abnormal or restricted by the channel.",
        StatusCode.FailedPrecondition, ErrorDecision.DoNotRetry, "Your account cannot pay right now. Please use another payment method.");
    public static readonly ErrorCode PayerPaymentFailed = new("PM-1006", "The payer's payment failed at the channel (e.g. the bank refused the debit).",
        StatusCode.FailedPrecondition, ErrorDecision.DoNotRetry, "The payment failed. Please try again or use another payment method.");
    public static readonly ErrorCode CardDeclined = new("PM-1007", "The card issuer declined the payment (do not honor, refer to issuer).",
        StatusCode.FailedPrecondition, ErrorDecision.DoNotRetry, "Your card was declined. Please contact your bank or use another card.");
    public static readonly ErrorCode CardInvalid = new("PM-1008", "The card number, expiry date or security code is invalid.",
        StatusCode.FailedPrecondition, ErrorDecision.DoNotRetry, "The card details are invalid. Please check them and try again.");
    public static readonly ErrorCode CardExpired = new("PM-1009", "The card has expired.",
        StatusCode.FailedPrecondition, ErrorDecision.DoNotRetry, "Your card has expired. Please use another card.");
    public static readonly ErrorCode CardNotPermitted = new("PM-1010", "The card may not be used for this transaction (restricted, or not permitted to the cardholder).",
        StatusCode.FailedPrecondition, ErrorDecision.DoNotRetry, "This card cannot be used for this payment. Please use another card.");
    public static readonly ErrorCode CardActivityLimit = new("PM-1011", "The card's frequency or activity limit is exceeded.",
        StatusCode.FailedPrecondition, ErrorDecision.DoNotRetry, "Your card has reached its limit. Please try later or use another card.");
    public static readonly ErrorCode CardPinInvalid = new("PM-1012", "The PIN is incorrect or its tries are exhausted.",
        StatusCode.FailedPrecondition, ErrorDecision.DoNotRetry, "The PIN is incorrect. Please contact your bank.");
    public static readonly ErrorCode CardAuthenticationNotCompleted = new("PM-1013", "The payer did not complete the card issuer's authentication (3-D Secure failed, was abandoned, or could not be offered).",
        StatusCode.FailedPrecondition, ErrorDecision.DoNotRetry, "Your card could not be verified. Please try again or use another card.");

    // 2xxx: the outcome is not known yet.
    public static readonly ErrorCode OutcomeUnknown = new("PM-2001", "The channel could not say whether the payment was processed.",
        StatusCode.Unavailable, ErrorDecision.QueryFirst, "Your payment is being confirmed. Please do not pay again.");
    public static readonly ErrorCode ChannelTimeout = new("PM-2002", "The channel did not answer in time; the payment may have been processed.",
        StatusCode.DeadlineExceeded, ErrorDecision.QueryFirst, "Your payment is being confirmed. Please do not pay again.");
    public static readonly ErrorCode BankInterfaceTimeout = new("PM-2003", "The bank interface timed out; retry no sooner than 60 seconds.",
        StatusCode.Unavailable, ErrorDecision.RetrySame, "The bank is slow to answer. Your payment is being confirmed.");

    // 3xxx: risk and compliance.
    public static readonly ErrorCode SuspectedFraud = new("PM-3001", "The issuer suspects fraud.",
        StatusCode.PermissionDenied, ErrorDecision.DoNotRetry, "This payment was declined for security reasons. Please contact your bank.");
    public static readonly ErrorCode CardLostOrStolen = new("PM-3002", "The card is reported lost or stolen, or must be picked up.",
        StatusCode.PermissionDenied, ErrorDecision.DoNotRetry, "This card cannot be used. Please contact your bank.");
    public static readonly ErrorCode BlockedByRisk = new("PM-3005", "Risk control blocked the payment: the gateway's own (a rule, or a verification not passed) or the channel's.",
        StatusCode.PermissionDenied, ErrorDecision.DoNotRetry, "This payment was declined for security reasons. Please contact your bank or use another method.");
    public static readonly ErrorCode VerificationCodeWrong = new("PM-3006", "The verification code of a risk challenge is wrong; tries are left (ErrorInfo `attempts_left`).",
        StatusCode.InvalidArgument, ErrorDecision.DoNotRetry, "The code is not right. Please check it and try again.");
    public static readonly ErrorCode VerificationCardNeeded = new("PM-3007", "The challenged card payment needs its card again: the gateway keeps card details in memory only.",
        StatusCode.FailedPrecondition, ErrorDecision.DoNotRetry, "Please enter your card details again.");

    // 4xxx: channel failures.
    public static readonly ErrorCode ChannelRateLimited = new("PM-4001", "The channel refused the call as over its rate limit.",
        StatusCode.ResourceExhausted, ErrorDecision.RetrySame, "The payment service is busy. Please try again shortly.");
    public static readonly ErrorCode ChannelDown = new("PM-4002", "The third-party channel failed; switch to a backup channel.",
        StatusCode.Unavailable, ErrorDecision.FailOver, "The payment channel is unavailable. Please try another payment method.");
    public static readonly ErrorCode ChannelBusinessFailure = new("PM-4003", "The channel refused the order for a reason it did not classify.",
        StatusCode.FailedPrecondition, ErrorDecision.FailOver, "The payment could not be processed. Please try another payment method.");
    public static readonly ErrorCode ChannelResponseUnverified = new("PM-4004", "The channel's response failed signature verification; its content is not trusted.",
        StatusCode.Unavailable, ErrorDecision.QueryFirst, "Your payment is being confirmed. Please do not pay again.");
    public static readonly ErrorCode ChannelOrderNotFound = new("PM-4005", "The channel has no order with that number.",
        StatusCode.NotFound, ErrorDecision.FailOver, "The payment could not be found at the payment channel.");
    public static readonly ErrorCode ChannelMerchantConfiguration = new("PM-4006", "The channel says the merchant account is invalid or not set up for this transaction.",
        StatusCode.FailedPrecondition, ErrorDecision.FailOver, "The payment could not be processed. Please try another payment method.");
    public static readonly ErrorCode GatewayInternal = new("PM-4500", "The gateway met an unexpected internal error.",
        StatusCode.Internal, ErrorDecision.DoNotRetry, "Something went wrong on our side. Please try again later.");
    public static readonly ErrorCode GatewayOverloaded = new("PM-4501", "The gateway is at its own limit of work in flight; nothing was written or sent. Retry after the RetryInfo delay.",
        StatusCode.ResourceExhausted, ErrorDecision.RetrySame, "The payment service is busy. Please try again in a moment.");
    public static readonly ErrorCode StoreUnavailable = new("PM-4502", "The gateway's database is down, unreachable or read-only; nothing new was saved (a write cut off at its commit may have been). Retry with the same request_id after the RetryInfo delay.",
        StatusCode.Unavailable, ErrorDecision.RetrySame, "The payment service is briefly unavailable. Please try again in a moment.");
    public static readonly ErrorCode StoreFailedOutcomeUnknown = new("PM-4503", "The gateway's database failed during a call that sent no request_id: whether it took effect is unknown. Look the payment up before trying again; a request_id makes such retries safe.",
        StatusCode.Internal, ErrorDecision.DoNotRetry, "Something went wrong on our side. Please check the payment's status before trying again.");

    // 5xxx: message format.
    public static readonly ErrorCode SwiftFormat = new("PM-5001", "The SWIFT message is not well formed.",
        StatusCode.InvalidArgument, ErrorDecision.DoNotRetry, "The transfer details are invalid. Please check them.");
    public static readonly ErrorCode ChannelRequestInvalid = new("PM-5002", "The channel rejected a missing or invalid request parameter.",
        StatusCode.Internal, ErrorDecision.DoNotRetry, "The payment could not be processed. Please contact the merchant.");

    // 6xxx: the merchant's request, authentication and configuration.
    public static readonly ErrorCode InvalidArgument = new("PM-6001", "A request field is missing or invalid.",
        StatusCode.InvalidArgument, ErrorDecision.DoNotRetry, "The payment request is invalid.");
    public static readonly ErrorCode RequestIdReused = new("PM-6002", "The request_id was already used with different parameters.",
        StatusCode.AlreadyExists, ErrorDecision.DoNotRetry, "The payment request conflicts with an earlier one.");
    public static readonly ErrorCode PaymentNotFound = new("PM-6003", "No payment has that id.",
        StatusCode.NotFound, ErrorDecision.DoNotRetry, "The payment could not be found.");
    public static readonly ErrorCode IllegalTransition = new("PM-6004", "The payment's state does not allow this operation.",
        StatusCode.FailedPrecondition, ErrorDecision.DoNotRetry, "This operation is not possible for the payment in its current state.");
    public static readonly ErrorCode MerchantSignatureRejected = new("PM-6005", "The channel rejected the merchant's signature or credentials: check keys and app id.",
        StatusCode.Internal, ErrorDecision.DoNotRetry, "The payment could not be processed. Please contact the merchant.");
    public static readonly ErrorCode ChannelPermissionDenied = new("PM-6006", "The merchant lacks permission for this channel operation.",
        StatusCode.Internal, ErrorDecision.DoNotRetry, "The payment could not be processed. Please contact the merchant.");
    public static readonly ErrorCode OrderNumberConflict = new("PM-6007", "The channel order number was already used with different content.",
        StatusCode.Internal, ErrorDecision.DoNotRetry, "The payment could not be processed. Please contact the merchant.");
    public static readonly ErrorCode RequestTooLarge = new("PM-6008", "The request exceeds the allowed size.",
        StatusCode.ResourceExhausted, ErrorDecision.DoNotRetry, "The payment request is too large.");
    public static readonly ErrorCode ChannelUnavailableForPayment = new("PM-6009", "No configured channel can take this payment (currency, amount or method).",
        StatusCode.FailedPrecondition, ErrorDecision.DoNotRetry, "This payment method is not available for this payment.");
    public static readonly ErrorCode CallerCanceled = new("PM-6011", "The caller canceled the call or its deadline passed.",
        StatusCode.Cancelled, ErrorDecision.DoNotRetry, "The request was canceled.");
    public static readonly ErrorCode RefundExceedsCaptured = new("PM-6012", "The refund amount is more than what is left to refund of the payment.",
        StatusCode.FailedPrecondition, ErrorDecision.DoNotRetry, "The refund amount is more than the payment allows.");
    public static readonly ErrorCode RefundNotFound = new("PM-6013", "No refund has that id.",
        StatusCode.NotFound, ErrorDecision.DoNotRetry, "The refund could not be found.");
    public static readonly ErrorCode WebhookEndpointNotFound = new("PM-6014", "No webhook endpoint has that id.",
        StatusCode.NotFound, ErrorDecision.DoNotRetry, "The webhook endpoint could not be found.");
    public static readonly ErrorCode HeldCreditNotFound = new("PM-6015", "No bank credit held for review has that entry reference.",
        StatusCode.NotFound, ErrorDecision.DoNotRetry, "The bank credit could not be found.");
    public static readonly ErrorCode Unauthenticated = new("PM-6016", "The API key is missing, malformed, unknown, revoked, expired or of another environment.",
        StatusCode.Unauthenticated, ErrorDecision.DoNotRetry, "The request could not be authorised.");
    public static readonly ErrorCode PermissionDenied = new("PM-6017", "The caller's key does not allow this operation (operators' APIs need an operator key, the merchant API a merchant key).",
        StatusCode.PermissionDenied, ErrorDecision.DoNotRetry, "The request is not allowed.");
    public static readonly ErrorCode RateLimited = new("PM-6018", "The caller sent more requests than its rate limit allows; nothing was done. Retry after the RetryInfo delay.",
        StatusCode.ResourceExhausted, ErrorDecision.RetrySame, "Too many requests. Please try again in a moment.");
    public static readonly ErrorCode MerchantNotFound = new("PM-6019", "No merchant has that id.",
        StatusCode.NotFound, ErrorDecision.DoNotRetry, "The merchant could not be found.");
    public static readonly ErrorCode ApiKeyNotFound = new("PM-6020", "No API key has that id.",
        StatusCode.NotFound, ErrorDecision.DoNotRetry, "The API key could not be found.");
    public static readonly ErrorCode RiskRulesVersionChanged = new("PM-6031", "The risk rule set is no longer at the expected_version: another update came first. Read the rules again and decide.",
        StatusCode.Aborted, ErrorDecision.DoNotRetry, "The request conflicts with a newer change.");
    public static readonly ErrorCode RiskRulesVersionNotFound = new("PM-6032", "No risk rule set has that version.",
        StatusCode.NotFound, ErrorDecision.DoNotRetry, "The rule set could not be found.");
    public static readonly ErrorCode RiskIndicatorsNotKept = new("PM-6033", "This gateway does not keep risk indicators.",
        StatusCode.FailedPrecondition, ErrorDecision.DoNotRetry, "The request is not possible on this gateway.");
    public static readonly ErrorCode ReportGroupNotFound = new("PM-6071", "No group of the caller's has that id.",
        StatusCode.NotFound, ErrorDecision.DoNotRetry, "The group could not be found.");
    public static readonly ErrorCode ReportPeriodInvalid = new("PM-6072", "The report period is malformed, reversed or longer than allowed (a month as YYYY-MM, days as YYYY-MM-DD).",
        StatusCode.InvalidArgument, ErrorDecision.DoNotRetry, "The report period is invalid.");
    public static readonly ErrorCode MerchantTimestampRejected = new("PM-6010", "The channel rejected the request timestamp: check the gateway's clock.",
        StatusCode.Internal, ErrorDecision.RetrySame, "The payment could not be processed. Please try again later.");

    public static readonly ErrorCode DisputeNotFound = new("PM-6051", "No dispute has that id (or it is another merchant's).",
        StatusCode.NotFound, ErrorDecision.DoNotRetry, "The dispute could not be found.");
    public static readonly ErrorCode DisputeClosed = new("PM-6052", "The dispute is closed (accepted, or decided by arbitration): nothing more can be done to it.",
        StatusCode.FailedPrecondition, ErrorDecision.DoNotRetry, "The dispute is already closed.");
    public static readonly ErrorCode DisputeStateForbids = new("PM-6053", "The dispute's state does not allow this operation (e.g. contesting twice, an arbitration decision on a dispute not in arbitration).",
        StatusCode.FailedPrecondition, ErrorDecision.DoNotRetry, "The dispute cannot be changed this way now.");
    public static readonly ErrorCode DisputeEvidenceTooLarge = new("PM-6054", "The evidence is larger than the gateway's limit (Disputes:MaxEvidenceBytes); nothing was added.",
        StatusCode.InvalidArgument, ErrorDecision.DoNotRetry, "The evidence is too large.");
    public static readonly ErrorCode DisputeAmountExceeded = new("PM-6055", "The amount is more than the disputed amount, or than is left to refund of the payment; nothing was refunded.",
        StatusCode.InvalidArgument, ErrorDecision.DoNotRetry, "The amount is too large for this dispute.");
    public static readonly ErrorCode DisputeEvidenceLimit = new("PM-6056", "The dispute holds the most pieces of evidence allowed (Disputes:MaxEvidenceItems).",
        StatusCode.FailedPrecondition, ErrorDecision.DoNotRetry, "No more evidence can be added to this dispute.");
    public static readonly ErrorCode DisputeRefundFailed = new("PM-6057", "The dispute's refund failed at the channel; the dispute stays as it was (the failure is in its history). Try again or decide otherwise.",
        StatusCode.FailedPrecondition, ErrorDecision.DoNotRetry, "The refund could not be made.");
    // Settlement reconciliation (docs/settlement.md).
    public static readonly ErrorCode SettlementNotOffered = new("PM-6061", "The channel publishes no settlement files the gateway can read.",
        StatusCode.InvalidArgument, ErrorDecision.DoNotRetry, "The request is not possible for this channel.");
    public static readonly ErrorCode SettlementFileUnavailable = new("PM-6062", "The channel's settlement file could not be had (refused, not answered, or its signature or hash did not verify); nothing was changed. Run the day again later.",
        StatusCode.Unavailable, ErrorDecision.RetrySame, "The settlement file is not available yet. Please try again later.");
    public static readonly ErrorCode SettlementFileMalformed = new("PM-6063", "The channel's settlement file does not parse (the run names the line); nothing of it was applied.",
        StatusCode.DataLoss, ErrorDecision.DoNotRetry, "The settlement file could not be read.");
    // Group accounts (docs/groups.md): budgets and approvals of a payment booked to a sub-account (customer.account).
    public static readonly ErrorCode OverBudget = new("PM-3101", "The payment would take its group sub-account over its budget for the month (payments in flight and waiting for approval count); nothing was written.",
        StatusCode.FailedPrecondition, ErrorDecision.DoNotRetry, "Your department's budget for this month does not cover this payment.");
    public static readonly ErrorCode ApprovalRejected = new("PM-3102", "An approver of the payment's group sub-account rejected it; it cannot be paid again.",
        StatusCode.FailedPrecondition, ErrorDecision.DoNotRetry, "This payment was not approved by your organisation.");
    public static readonly ErrorCode ApprovalLapsed = new("PM-3103", "The payment expired while waiting for its approvers.",
        StatusCode.FailedPrecondition, ErrorDecision.DoNotRetry, "This payment was not approved in time. Please start a new payment.");
    public static readonly ErrorCode BudgetCurrencyDiffers = new("PM-3104", "The payment's currency is not its group sub-account's budget currency; nothing was written.",
        StatusCode.FailedPrecondition, ErrorDecision.DoNotRetry, "This payment must be made in your department's budget currency.");
    public static readonly ErrorCode ApprovalNeedsNoCard = new("PM-3105", "A card payment cannot wait for approval (the gateway keeps card details in memory only): pay by another method, or have the threshold raised.",
        StatusCode.FailedPrecondition, ErrorDecision.DoNotRetry, "This payment needs approval and cannot be made by card.");
    public static readonly ErrorCode GroupNotFound = new("PM-6041", "No group has that id.",
        StatusCode.NotFound, ErrorDecision.DoNotRetry, "The group could not be found.");
    public static readonly ErrorCode SubAccountNotFound = new("PM-6042", "No group sub-account has that id (customer.account, or the account named).",
        StatusCode.NotFound, ErrorDecision.DoNotRetry, "The account could not be found.");
    public static readonly ErrorCode GroupMemberNotFound = new("PM-6043", "No member of the group has that id.",
        StatusCode.NotFound, ErrorDecision.DoNotRetry, "The member could not be found.");
    public static readonly ErrorCode ApprovalAlreadyDecided = new("PM-6044", "The member already decided this approval; nothing changed.",
        StatusCode.FailedPrecondition, ErrorDecision.DoNotRetry, "You have already decided this approval.");
    public static readonly ErrorCode ApprovalOutOfOrder = new("PM-6045", "It is not this approver's turn: an earlier step is still open; nothing changed.",
        StatusCode.FailedPrecondition, ErrorDecision.DoNotRetry, "An earlier approver must decide first.");
    public static readonly ErrorCode NotAnApprover = new("PM-6046", "The member is not an approver of this approval; nothing changed.",
        StatusCode.PermissionDenied, ErrorDecision.DoNotRetry, "You are not an approver of this request.");
    public static readonly ErrorCode ApprovalNotPending = new("PM-6047", "Nothing waits for approval here any more: the payment or change was decided, ended or expired; nothing changed.",
        StatusCode.FailedPrecondition, ErrorDecision.DoNotRetry, "This request no longer waits for approval.");
    public static readonly ErrorCode BudgetChangeNotFound = new("PM-6048", "No budget change has that id.",
        StatusCode.NotFound, ErrorDecision.DoNotRetry, "The budget change could not be found.");
    public static readonly ErrorCode DepartmentCodeTaken = new("PM-6049", "The group already has a sub-account with that department code.",
        StatusCode.AlreadyExists, ErrorDecision.DoNotRetry, "That department already exists.");

    /// <summary>Every code, in code order.</summary>
    public static IReadOnlyList<ErrorCode> All { get; } = typeof(ErrorCatalogue)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Where(f => f.FieldType == typeof(ErrorCode))
        .Select(f => (ErrorCode)f.GetValue(null)!)
        .OrderBy(c => c.Code, StringComparer.Ordinal)
        .ToArray();

    public static ErrorCode Find(string code) =>
        All.FirstOrDefault(c => c.Code == code) ?? throw new KeyNotFoundException($"No error code {code} in the catalogue.");
}
