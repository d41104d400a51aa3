using System.Collections.Concurrent;

namespace Paygate.Gateway.Risk.Verification;

/// <summary>
/// The sandbox's sender: there is no payer's phone, so the code is written to the log and kept (the latest per payment,
/// until it expires) for the sandbox's own page <c>GET /sandbox/verification-codes/{payment_id}</c>, from which tests and
/// people trying the gateway read it. Registered only in the sandbox: a live gateway must never log a code.
/// </summary>
public sealed partial class SandboxVerificationSender(TimeProvider clock, ILogger<SandboxVerificationSender> logger) : IVerificationSender
{
    private readonly ConcurrentDictionary<string, (string Code, DateTimeOffset Until)> _latest = new(StringComparer.Ordinal);

    public Task SendAsync(VerificationMessage message, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        foreach (var (paymentId, sent) in _latest)
        {
            if (sent.Until <= now)
            {
                _latest.TryRemove(paymentId, out _);
            }
        }
        _latest[message.PaymentId] = (message.Code, message.ExpireTime);
        SandboxCode(logger, message.PaymentId, message.Code);
        return Task.CompletedTask;
    }

    /// <summary>The latest code sent for the payment while it is good, or null.</summary>
    public string? LatestCode(string paymentId) =>
        _latest.TryGetValue(paymentId, out var sent) && sent.Until > clock.GetUtcNow() ? sent.Code : null;

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Sandbox verification code for payment {PaymentId}: {Code}")]
    private static partial void SandboxCode(ILogger logger, string paymentId, string code);
}
