namespace Paygate.Client.Webhooks;

/// <summary>A webhook POST that is not provably from the gateway: answer it 400 and do not act on it.</summary>
public sealed class WebhookSignatureException(WebhookSignatureFailure failure, string message) : Exception(message)
{
    /// <summary>Which check failed.</summary>
    public WebhookSignatureFailure Failure { get; } = failure;
}
