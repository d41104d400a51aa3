extern alias client;

using client::Paygate.Client.Errors;
using Grpc.Core;
using Paygate.Cli.Failures;

namespace Paygate.Cli.Tests.Failures;

/// <summary>
/// The one-line reports of the failures a sandbox gateway does not produce on demand (rate limits, unknown outcomes, internal errors),
/// made from the client's own exception types as the gateway's status details would fill them.
/// </summary>
public sealed class FailureReportTests
{
    private static PaygateError Error(StatusCode status, string code, string message, TimeSpan? retryAfter = null) =>
        new(status, code, message, "paygate", new Dictionary<string, string>(), [], retryAfter);

    [Fact]
    public void RateLimited_SaysWhenToRetry()
    {
        var report = FailureReport.For(new RateLimitedException(Error(StatusCode.ResourceExhausted, "PM-6018", "rate limited", TimeSpan.FromMilliseconds(400))), null);

        Assert.Equal(new FailureReport("paygate: PM-6018 rate limited: retry after 1 s", ExitCodes.RateLimited), report);
    }

    [Fact]
    public void OutcomeUnknown_SaysNotToPayAgainAndWhichRequestIdToRepeat()
    {
        var report = FailureReport.For(new OutcomeUnknownException(Error(StatusCode.DeadlineExceeded, "PM-2002", "the channel did not answer in time."), "6f1c2a4e-0000-4000-8000-000000000001"), null);

        Assert.Equal(ExitCodes.OutcomeUnknown, report.ExitCode);
        Assert.Equal("paygate: PM-2002 the channel did not answer in time: do not pay again: watch the payment, or repeat the same command with --request-id 6f1c2a4e-0000-4000-8000-000000000001",
            report.Line);
    }

    [Fact]
    public void InvalidFields_NameTheOptionsToFix()
    {
        var error = new PaygateError(StatusCode.InvalidArgument, "PM-6001", "invalid request", "paygate", new Dictionary<string, string>(),
            [new FieldViolation("amount_minor", "must be positive"), new FieldViolation("payment_method.card.number", "fails the Luhn check")], null);

        var report = FailureReport.For(new InvalidRequestException(error), null);

        Assert.Equal(new FailureReport("paygate: PM-6001 invalid request (amount_minor: must be positive; payment_method.card.number: fails the Luhn check): fix --amount, --card/--expiry/--cvc and try again",
            ExitCodes.Usage), report);
    }

    [Fact]
    public void InternalError_IsExitOneAndOneLineEvenWithLineBreaks()
    {
        var report = FailureReport.For(new PaygateException(Error(StatusCode.Internal, "PM-4500", "internal error\nsecond line")), null);

        Assert.Equal(ExitCodes.Internal, report.ExitCode);
        Assert.DoesNotContain('\n', report.Line);
        Assert.StartsWith("paygate: PM-4500 internal error second line: the gateway failed", report.Line, StringComparison.Ordinal);
    }

    [Fact]
    public void AnyOtherException_IsOneLineWithoutItsStack()
    {
        var report = FailureReport.For(new InvalidOperationException("broken\n   at Somewhere()"), null);

        Assert.Equal(ExitCodes.Internal, report.ExitCode);
        Assert.DoesNotContain('\n', report.Line);
    }
}
