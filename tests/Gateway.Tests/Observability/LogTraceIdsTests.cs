using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Paygate.Gateway.Observability;

namespace Paygate.Gateway.Tests.Observability;

public sealed class LogTraceIdsTests
{
    [Fact]
    public void AddPaygateObservability_LineWrittenInsideASpan_CarriesItsTraceAndSpanIdsAndTheConsoleShowsThem()
    {
        var services = new ServiceCollection();
        // Not the host's defaults (which track activities already): the gateway's own registration must turn them on.
        services.AddLogging(logging => logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.None).AddSimpleConsole());
        var scopes = new ScopeCapture();
        services.AddLogging(logging => logging.AddProvider(scopes));
        services.AddPaygateObservability(new ConfigurationBuilder().Build());
        using var provider = services.BuildServiceProvider();
        var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("test");

        using var activity = new Activity("call").SetIdFormat(ActivityIdFormat.W3C).Start();
        logger.LogInformation("inside the call");

        Assert.True(scopes.Seen.Any(s => s.TryGetValue("TraceId", out var t) && t?.ToString() == activity.TraceId.ToHexString()
            && s.TryGetValue("SpanId", out var span) && span?.ToString() == activity.SpanId.ToHexString()),
            activity.TraceId + " " + string.Join("; ", scopes.Seen.Select(d => string.Join(",", d.Select(p => $"{p.Key}={p.Value}")))));
        Assert.True(provider.GetRequiredService<IOptionsMonitor<SimpleConsoleFormatterOptions>>().CurrentValue.IncludeScopes);
    }

    /// <summary>Records the key/value scopes around each line, as the console formatter would print them.</summary>
    private sealed class ScopeCapture : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider? _scopes;

        public List<Dictionary<string, object?>> Seen { get; } = [];

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(ScopeCapture owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes?.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner._scopes?.ForEachScope((scope, seen) =>
                {
                    if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                    {
                        seen.Add(pairs.ToDictionary(p => p.Key, p => p.Value));
                    }
                }, owner.Seen);
        }
    }
}
