using Google.Rpc;
using Grpc.Core;

namespace Paygate.EndToEnd.Tests;

internal static class RpcErrors
{
    /// <summary>Runs a call expected to fail and returns its status code, ErrorInfo and (if any) BadRequest.</summary>
    public static async Task<(StatusCode Code, ErrorInfo Info, BadRequest? BadRequest)> CatchAsync(Func<Task> call)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(call);
        var status = ex.GetRpcStatus();
        Assert.NotNull(status); // every error carries google.rpc.Status
        var info = status.GetDetail<ErrorInfo>();
        Assert.NotNull(info);
        Assert.Equal("paygate", info.Domain);
        Assert.Equal((int)ex.StatusCode, status.Code);
        return (ex.StatusCode, info, status.GetDetail<BadRequest>());
    }
}
