using Paygate.Adapters.Errors;
using Paygate.Gateway.Api;

namespace Paygate.Gateway.Tests.Api;

public sealed class ErrorCatalogueDocumentTests
{
    private static string DocPath()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Gateway.sln")))
        {
            dir = dir.Parent;
        }
        return Path.Combine(dir?.FullName ?? throw new DirectoryNotFoundException("repository root not found"), "docs", "error-codes.md");
    }

    [Fact]
    public void ErrorCodesPage_IsExactlyTheCatalogue()
    {
        var rendered = ErrorCatalogueDocument.Render(ChannelGrpcService.GrpcStatusName);
        if (Environment.GetEnvironmentVariable("PAYGATE_WRITE_DOCS") == "1")
        {
            File.WriteAllText(DocPath(), rendered);
        }
        Assert.Equal(rendered, File.ReadAllText(DocPath()).ReplaceLineEndings(Environment.NewLine));
    }

    [Fact]
    public void ListErrorCodes_ServesEveryCatalogueEntry()
    {
        var served = ErrorCatalogue.All.Select(ChannelGrpcService.ToProto).ToList();
        Assert.Equal(ErrorCatalogue.All.Select(c => c.Code), served.Select(c => c.Code));
        Assert.Equal(("FAILED_PRECONDITION", "DO_NOT_RETRY"), (served.Single(c => c.Code == "PM-1001").GrpcStatus, served.Single(c => c.Code == "PM-1001").Decision));
        Assert.Equal(("UNAVAILABLE", "FAIL_OVER"), (served.Single(c => c.Code == "PM-4002").GrpcStatus, served.Single(c => c.Code == "PM-4002").Decision));
        Assert.Equal("DEADLINE_EXCEEDED", served.Single(c => c.Code == "PM-2002").GrpcStatus);
    }
}
