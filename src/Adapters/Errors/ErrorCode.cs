using Grpc.Core;

namespace Paygate.Adapters.Errors;

/// <summary>One entry of the unified error catalogue.</summary>
/// <param name="Code">The public code, <c>PM-NNNN</c>.</param>
/// <param name="Meaning">What happened, for operators.</param>
/// <param name="Status">The gRPC status the API returns for it.</param>
/// <param name="Decision">What the gateway does next.</param>
/// <param name="PayerMessage">A message that can be shown to the payer.</param>
public sealed record ErrorCode(string Code, string Meaning, StatusCode Status, ErrorDecision Decision, string PayerMessage)
{
    public override string ToString() => Code;
}
