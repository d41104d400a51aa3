using System.Text.RegularExpressions;
using Grpc.Core;
using Paygate.Adapters.Errors;

namespace Paygate.Adapters.Tests.Errors;

public sealed class ErrorCatalogueTests
{
    [Fact]
    public void All_CodesAreUniqueAndWellFormed()
    {
        var codes = ErrorCatalogue.All.Select(c => c.Code).ToList();
        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Matches(new Regex("^PM-[1-6][0-9]{3}$"), c));
        Assert.All(ErrorCatalogue.All, c => Assert.False(string.IsNullOrWhiteSpace(c.PayerMessage)));
    }

    [Theory]
    [InlineData("PM-1001", StatusCode.FailedPrecondition, ErrorDecision.DoNotRetry)]
    [InlineData("PM-2003", StatusCode.Unavailable, ErrorDecision.RetrySame)]
    [InlineData("PM-3005", StatusCode.PermissionDenied, ErrorDecision.DoNotRetry)]
    [InlineData("PM-4002", StatusCode.Unavailable, ErrorDecision.FailOver)]
    [InlineData("PM-5001", StatusCode.InvalidArgument, ErrorDecision.DoNotRetry)]
    public void SeedCodes_HaveTheirDesignedMeaning(string code, StatusCode status, ErrorDecision decision)
    {
        var entry = ErrorCatalogue.Find(code);
        Assert.Equal(status, entry.Status);
        Assert.Equal(decision, entry.Decision);
    }

    [Fact]
    public void SeedCodes_MeaningsMatchTheDesign()
    {
        Assert.Contains("insufficient", ErrorCatalogue.Find("PM-1001").Meaning, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("60 seconds", ErrorCatalogue.Find("PM-2003").Meaning, StringComparison.Ordinal);
        Assert.Contains("risk", ErrorCatalogue.Find("PM-3005").Meaning, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("backup channel", ErrorCatalogue.Find("PM-4002").Meaning, StringComparison.Ordinal);
        Assert.Contains("SWIFT", ErrorCatalogue.Find("PM-5001").Meaning, StringComparison.Ordinal);
    }
}
