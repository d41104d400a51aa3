using System.Diagnostics;
using Google.Protobuf.Reflection;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests.Fuzz;

/// <summary>
/// Every RPC of the public services, fed thousands of generated requests from a fixed seed (a failure names the seed's
/// input, so it can be replayed). Whatever the input: never UNKNOWN or INTERNAL, every error a google.rpc.Status with
/// an ErrorInfo, no error-level log line, and a refused request leaves no payment, refund or webhook endpoint behind.
/// </summary>
public sealed class RpcFuzzTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private const int InputsPerRpc = 300;
    private static readonly TimeSpan UnaryTimeout = TimeSpan.FromSeconds(10);
    // A stream that is accepted answers its first message at once; one that waits for news is cut short here.
    private static readonly TimeSpan StreamTimeout = TimeSpan.FromMilliseconds(150);

    private GatewayUnderTest Gateway => fixture.Gateway;

    [Fact]
    public Task PaymentService_AnyRequest_IsAnsweredCleanly() => FuzzAsync(PaymentService.Descriptor, seed: 1);

    [Fact]
    public Task WebhookService_AnyRequest_IsAnsweredCleanly() => FuzzAsync(WebhookService.Descriptor, seed: 2);

    [Fact]
    public Task AdminService_AnyRequest_IsAnsweredCleanly() => FuzzAsync(AdminService.Descriptor, seed: 4);

    [Fact]
    public Task ChannelService_AnyRequest_IsAnsweredCleanly() => FuzzAsync(ChannelService.Descriptor, seed: 3);

    [Fact]
    public Task ReportService_AnyRequest_IsAnsweredCleanly() => FuzzAsync(ReportService.Descriptor, seed: 5);

    [Fact]
    public Task SettlementService_AnyRequest_IsAnsweredCleanly() => FuzzAsync(SettlementService.Descriptor, seed: 6);

    private async Task FuzzAsync(ServiceDescriptor service, int seed)
    {
        var inputs = new FuzzInputs(seed, await KnownIdsAsync());
        var failures = new List<string>();
        var logged = Gateway.Logs.Lines.Count;
        var clock = Stopwatch.StartNew();
        foreach (var method in service.Methods)
        {
            var raw = RawCalls.Method(method.IsServerStreaming ? MethodType.ServerStreaming : MethodType.Unary, $"/{service.FullName}/{method.Name}");
            var invoker = Gateway.Credentials.ForMethod(Gateway.Channel, raw.FullName);
            for (var i = 0; i < InputsPerRpc; i++)
            {
                var message = inputs.Next(method.InputType);
                var stored = await StoredAsync();
                var error = await RawCalls.SendAsync(invoker, raw, message, method.IsServerStreaming ? StreamTimeout : UnaryTimeout);
                var problem = Problem(error);
                if (problem is null && error is not null && await StoredAsync() != stored)
                {
                    problem = $"refused with {error.StatusCode}, yet the store has a new or changed payment, refund or webhook endpoint";
                }
                var lines = Gateway.Logs.Lines.Skip(logged).ToList();
                logged += lines.Count;
                if (lines.FirstOrDefault(l => l.Level >= LogLevel.Error && !(method.IsServerStreaming && IsOwnStreamReset(l))) is { } line)
                {
                    problem = (problem is null ? "" : problem + "; ") + "logged " + line;
                }
                if (problem is not null)
                {
                    failures.Add($"{method.Name} input #{i} {Convert.ToHexString(message.AsSpan(0, Math.Min(message.Length, 48)))}{(message.Length > 48 ? "..." : "")} ({message.Length} bytes): {problem}");
                }
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {service.Methods.Count * InputsPerRpc} requests (seed {seed}, {clock.Elapsed.TotalSeconds:0.0} s):\n"
            + string.Join("\n", failures.Take(20)));
    }

    /// <summary>
    /// grpc-dotnet's own error line (outside the gateway's code) when this test cut a stream short while the server was still
    /// reading the request: the reset is the test's doing, not the gateway's.
    /// </summary>
    private static bool IsOwnStreamReset(LogLine line) =>
        line.Category.StartsWith("Grpc.AspNetCore.Server", StringComparison.Ordinal)
        && line.Exception is IOException { Message: var message } && message.Contains("reset", StringComparison.OrdinalIgnoreCase);

    /// <summary>What is wrong with how a call ended, or null.</summary>
    private static string? Problem(RpcException? error)
    {
        if (error is null || error.StatusCode is StatusCode.DeadlineExceeded or StatusCode.Cancelled)
        {
            return null;
        }
        if (error.StatusCode is StatusCode.Unknown or StatusCode.Internal)
        {
            return $"{error.StatusCode}: {error.Status.Detail}";
        }
        var info = error.GetRpcStatus()?.GetDetail<ErrorInfo>();
        return info is { Domain: "paygate" } ? null : $"{error.StatusCode} without an ErrorInfo: {error.Status.Detail}";
    }

    /// <summary>Ids that exist, so that some requests reach past validation: a payment waiting for its payer and a webhook endpoint.</summary>
    private async Task<IReadOnlyList<string>> KnownIdsAsync()
    {
        var payment = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest());
        var endpoint = await new WebhookService.WebhookServiceClient(Gateway.Merchant)
            .CreateWebhookEndpointAsync(new CreateWebhookEndpointRequest { Url = "http://127.0.0.1:9/hooks" });
        return [payment.Id, endpoint.Id, Gateway.MerchantId];
    }

    /// <summary>How many payments, refunds, enabled webhook endpoints, merchants and usable keys the store holds, read beside the gateway.</summary>
    private async Task<(long Payments, long Refunds, long Endpoints, long Enabled, long Merchants, long Keys)> StoredAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(fixture.DataDirectory, "paygate.db")};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT (SELECT COUNT(*) FROM payments), (SELECT COUNT(*) FROM refunds), (SELECT COUNT(*) FROM webhook_endpoints),
                   (SELECT COUNT(*) FROM webhook_endpoints WHERE state = 1), (SELECT COUNT(*) FROM merchants),
                   (SELECT COUNT(*) FROM api_keys WHERE revoke_time IS NULL)
            """;
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5));
    }
}
