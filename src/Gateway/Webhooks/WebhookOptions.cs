using System.ComponentModel.DataAnnotations;

namespace Paygate.Gateway.Webhooks;

/// <summary>Webhook delivery settings (section <c>Webhooks</c>).</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>
    /// The AES-256 key (Base64, 32 bytes) that seals endpoints' signing secrets in the database. When empty, a key is
    /// generated once into <c>webhook.key</c> next to the database file (owner-only permissions): fine for the sandbox,
    /// while production should supply it from a secret store.
    /// </summary>
    public string SecretKey { get; set; } = "";

    /// <summary>The wait before the first retry; each later one doubles it (with jitter) up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long after its event a delivery is still tried; then it is given up (FAILED).</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long an endpoint has to answer one POST.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the dispatcher looks for due deliveries when nothing wakes it (changes by other instances, retries).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many POSTs may be in flight at once (to different payments or endpoints).</summary>
    [Range(1, 256)]
    public int MaxConcurrency { get; set; } = 8;
}
