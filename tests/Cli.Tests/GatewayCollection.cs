using Paygate.EndToEnd.Tests;

namespace Paygate.Cli.Tests;

/// <summary>One real gateway (and its simulators) for every command-line test: starting one is most of the time they take.</summary>
[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "gateway";
}
