namespace Paygate.Gateway.Security;

/// <summary>
/// Whether this gateway is a sandbox (simulated networks, <c>sk_test_</c> keys, loopback webhooks allowed for trying
/// it out) or live (real networks, <c>sk_live_</c> keys, TLS and public webhook addresses required). Set by
/// <c>Paygate:Environment</c> (<c>Sandbox</c> or <c>Live</c>); unset, a gateway whose simulators run in-process is a
/// sandbox and any other is live, so that pointing channels at real networks can never leave the sandbox's leniency on.
/// </summary>
public sealed class GatewayEnvironment
{
    public const string Setting = "Paygate:Environment";

    private GatewayEnvironment(bool isSandbox) => IsSandbox = isSandbox;

    public bool IsSandbox { get; }

    /// <summary>The environment's word in API keys: <c>test</c> in the sandbox, <c>live</c> otherwise.</summary>
    public string KeyMode => IsSandbox ? "test" : "live";

    public static GatewayEnvironment Sandbox { get; } = new(true);

    public static GatewayEnvironment Live { get; } = new(false);

    public static GatewayEnvironment From(IConfiguration configuration, bool simulatorsInProcess) =>
        configuration[Setting] switch
        {
            null or "" => simulatorsInProcess ? Sandbox : Live,
            var v when v.Equals("Sandbox", StringComparison.OrdinalIgnoreCase) => Sandbox,
            var v when v.Equals("Live", StringComparison.OrdinalIgnoreCase) => Live,
            var v => throw new InvalidOperationException($"{Setting} must be Sandbox or Live, not '{v}'"),
        };
}
