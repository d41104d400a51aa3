using Microsoft.Extensions.Options;

namespace Paygate.Gateway.Tests;

/// <summary>Options that never change, for unit tests of code that reads IOptionsMonitor.</summary>
internal sealed class StaticOptions<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
