extern alias client;

using client::Paygate.Client.Errors;
using Grpc.Core;
using Paygate.Client.Tests.Calls;

namespace Paygate.Client.Tests.Errors;

/// <summary>Each family of the error catalogue (docs/error-codes.md) becomes its own exception, with everything the gateway said.</summary>
public sealed class PaygateErrorsTests
{
    [Theory]
    [InlineData(StatusCode.InvalidArgument, "PM-6001", typeof(InvalidRequestException))]
    [InlineData(StatusCode.InvalidArgument, "PM-5001", typeof(InvalidRequestException))]
    [InlineData(StatusCode.ResourceExhausted, "PM-6008", typeof(InvalidRequestException))]
    [InlineData(StatusCode.Unauthenticated, "PM-6016", typeof(AuthenticationException))]
    [InlineData(StatusCode.PermissionDenied, "PM-6017", typeof(AuthenticationException))]
    [InlineData(StatusCode.PermissionDenied, "PM-3005", typeof(PaymentDeclinedException))]
    [InlineData(StatusCode.FailedPrecondition, "PM-1007", typeof(PaymentDeclinedException))]
    [InlineData(StatusCode.NotFound, "PM-6003", typeof(NotFoundException))]
    [InlineData(StatusCode.NotFound, "PM-6013", typeof(NotFoundException))]
    [InlineData(StatusCode.FailedPrecondition, "PM-6004", typeof(ConflictException))]
    [InlineData(StatusCode.FailedPrecondition, "PM-6012", typeof(ConflictException))]
    [InlineData(StatusCode.AlreadyExists, "PM-6002", typeof(ConflictException))]
    [InlineData(StatusCode.Unavailable, "PM-2001", typeof(OutcomeUnknownException))]
    [InlineData(StatusCode.DeadlineExceeded, "PM-2002", typeof(OutcomeUnknownException))]
    [InlineData(StatusCode.Internal, "PM-4503", typeof(OutcomeUnknownException))]
    [InlineData(StatusCode.ResourceExhausted, "PM-6018", typeof(RateLimitedException))]
    [InlineData(StatusCode.ResourceExhausted, "PM-4501", typeof(RateLimitedException))]
    [InlineData(StatusCode.Unavailable, "PM-4502", typeof(ServiceUnavailableException))]
    [InlineData(StatusCode.Unavailable, "PM-4002", typeof(ServiceUnavailableException))]
    [InlineData(StatusCode.Internal, "PM-4500", typeof(PaygateException))]
    public void Failure_IsThrownAsItsFamily(StatusCode status, string code, Type expected)
    {
        var error = PaygateErrors.ToException(ScriptedInvoker.Failure(status, code), "req-1");

        Assert.IsType(expected, error);
        Assert.Equal((code, status, "req-1", "card"), (error.Code, error.StatusCode, error.RequestId, error.Metadata["channel"]));
    }

    [Fact]
    public void InvalidArgument_NamesTheFields_InItsViolationsAndItsMessage()
    {
        var error = PaygateErrors.ToException(
            ScriptedInvoker.Failure(StatusCode.InvalidArgument, "PM-6001", null, ("payment_method.card.number", "fails the Luhn check")), null);

        var violation = Assert.Single(error.FieldViolations);
        Assert.Equal(("payment_method.card.number", "fails the Luhn check"), (violation.Field, violation.Description));
        Assert.Contains("payment_method.card.number", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("PM-6001 (InvalidArgument)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FailureWithoutDetails_KeepsItsStatus_WithNoCode()
    {
        var error = PaygateErrors.ToException(new RpcException(new Status(StatusCode.Unavailable, "Error connecting to subchannel.")), null);

        Assert.IsType<ServiceUnavailableException>(error);
        Assert.Equal(("", null), (error.Code, error.RetryAfter));
        Assert.Contains("Error connecting", error.Message, StringComparison.Ordinal);
    }
}
