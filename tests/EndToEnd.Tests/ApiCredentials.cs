using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Paygate.Gateway.Api;
using Paygate.Gateway.Merchants;
using Paygate.Gateway.Sandbox;

namespace Paygate.EndToEnd.Tests;

/// <summary>The sandbox's keys, as a client finds them beside the database, and calls made with them.</summary>
/// <param name="MerchantKey">The sandbox merchant's <c>sk_test_...</c> key.</param>
/// <param name="OperatorKey">The sandbox operator's <c>ok_test_...</c> key.</param>
public sealed record ApiCredentials(string MerchantKey, string OperatorKey)
{
    /// <summary>The keys the sandbox wrote on its first start; empty ones when it wrote none (a database that had keys already).</summary>
    public static ApiCredentials Read(string dataDirectory) => new(ReadKey(dataDirectory, SandboxCredentials.MerchantKeyFile), ReadKey(dataDirectory, SandboxCredentials.OperatorKeyFile));

    private static string ReadKey(string dataDirectory, string name) =>
        File.Exists(Path.Combine(dataDirectory, name)) ? File.ReadAllText(Path.Combine(dataDirectory, name)).Trim() : "";

    /// <summary>Calls on <paramref name="channel"/> that carry <c>authorization: Bearer <paramref name="key"/></c>.</summary>
    public static CallInvoker WithKey(GrpcChannel channel, string key) => WithHeader(channel, "Bearer " + key);

    /// <summary>Calls that carry exactly this authorization header (for tests of malformed ones).</summary>
    public static CallInvoker WithHeader(GrpcChannel channel, string authorization) =>
        channel.Intercept(headers =>
        {
            headers.Add("authorization", authorization);
            return headers;
        });

    /// <summary>Calls that carry whichever of the two keys the method needs (health and reflection carry none).</summary>
    public CallInvoker ForMethod(GrpcChannel channel, string fullMethod) =>
        CallerInterceptor.RequiredRole(fullMethod) switch
        {
            KeyRole.Merchant => WithKey(channel, MerchantKey),
            KeyRole.Operator => WithKey(channel, OperatorKey),
            _ => channel.CreateCallInvoker(),
        };
}
