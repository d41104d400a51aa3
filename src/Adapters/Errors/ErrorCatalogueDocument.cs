using System.Text;

namespace Paygate.Adapters.Errors;

/// <summary>Renders the catalogue as the Markdown page <c>docs/error-codes.md</c>; a test keeps the page equal to it.</summary>
public static class ErrorCatalogueDocument
{
    public static string Render(Func<Grpc.Core.StatusCode, string> statusName)
    {
        var page = new StringBuilder()
            .AppendLine("# Paygate error codes")
            .AppendLine()
            .AppendLine("Generated from `src/Adapters/Errors/ErrorCatalogue.cs` (a test fails when this page and the code differ;")
            .AppendLine("regenerate with `PAYGATE_WRITE_DOCS=1 dotnet test tests/Gateway.Tests --filter ErrorCatalogueDocument`).")
            .AppendLine("Every error leaves the API as a `google.rpc.Status` with an `ErrorInfo` whose `reason` is the code and whose")
            .AppendLine("`domain` is `paygate`. Families: 1xxx payer and funds, 2xxx unknown outcomes and timeouts, 3xxx risk and")
            .AppendLine("compliance, 4xxx channel failures, 5xxx message format, 6xxx merchant request, authentication and configuration.")
            .AppendLine()
            .AppendLine("| code | meaning (for operators) | gRPC status | decision | message for the payer |")
            .AppendLine("| --- | --- | --- | --- | --- |");
        foreach (var code in ErrorCatalogue.All)
        {
            var decision = code.Decision switch
            {
                ErrorDecision.RetrySame => "RETRY_SAME",
                ErrorDecision.FailOver => "FAIL_OVER",
                ErrorDecision.QueryFirst => "QUERY_FIRST",
                _ => "DO_NOT_RETRY",
            };
            page.AppendLine($"| {code.Code} | {code.Meaning} | {statusName(code.Status)} | {decision} | {code.PayerMessage} |");
        }
        return page.ToString();
    }
}
