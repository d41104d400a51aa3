namespace Paygate.Client.Webhooks;

/// <summary>Why a webhook's signature was not accepted.</summary>
public enum WebhookSignatureFailure
{
    /// <summary>The request has no <c>Paygate-Signature</c> header.</summary>
    MissingHeader,
    /// <summary>The header is not <c>t=&lt;unix seconds&gt;,v1=&lt;64 hex digits&gt;</c>.</summary>
    MalformedHeader,
    /// <summary>The signed timestamp is further from now than the tolerance: an old delivery replayed, or a clock far off.</summary>
    TimestampOutsideTolerance,
    /// <summary>No <c>v1</c> signature matches the body with this secret: the body was changed, or the secret is not this endpoint's.</summary>
    SignatureMismatch,
}
