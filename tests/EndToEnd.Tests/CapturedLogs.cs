using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Paygate.EndToEnd.Tests;

/// <summary>Every log line the gateway writes (at the levels its settings let through), for tests that assert on logging.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<LogLine> _lines = new();

    public IReadOnlyCollection<LogLine> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<LogLine> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(new LogLine(logLevel, category, formatter(state, exception), exception));
    }
}

/// <summary>One log line: its level, category, rendered message and the exception it carries (whose stack it would print).</summary>
public sealed record LogLine(LogLevel Level, string Category, string Message, Exception? Exception)
{
    public override string ToString() => $"{Level} {Category}: {Message}{(Exception is null ? "" : " | " + Exception.GetType().Name + ": " + Exception.Message)}";
}
