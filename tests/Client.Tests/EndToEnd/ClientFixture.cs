using Paygate.EndToEnd.Tests;

namespace Paygate.Client.Tests.EndToEnd;

/// <summary>The real gateway and simulators for the client's end-to-end tests, with webhooks sent promptly.</summary>
public sealed class ClientFixture : GatewayFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>
    {
        ["Webhooks:PollInterval"] = "00:00:00.100",
        ["Webhooks:Timeout"] = "00:00:10",
    };
}
