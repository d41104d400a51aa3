using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Paygate.EndToEnd.Tests;

/// <summary>The gateway logging as it does in production (Information), for tests of what a bad request leaves in the log.</summary>
public sealed class ProductionLoggingFixture : GatewayFixture
{
    public DateTime Started { get; } = DateTime.UtcNow;

    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Information",
    };
}

/// <summary>Request bytes that are not a valid message are the caller's error: INVALID_ARGUMENT with PM-6001, and quiet.</summary>
public sealed class MalformedRequestTests(ProductionLoggingFixture fixture) : IClassFixture<ProductionLoggingFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private GatewayUnderTest Gateway => fixture.Gateway;

    public static TheoryData<string, MethodType, string> Malformed => new()
    {
        // A zero tag: no message starts like that.
        { "/paygate.v1.PaymentService/GetPayment", MethodType.Unary, "00" },
        // Field 1 with wire type 7, which does not exist.
        { "/paygate.v1.PaymentService/CreatePayment", MethodType.Unary, "0f" },
        // Field 1 (a string) of length 1 holding 0xFF, which is not UTF-8.
        { "/paygate.v1.PaymentService/GetPayment", MethodType.Unary, "0a01ff" },
        { "/paygate.v1.PaymentService/CreatePayment", MethodType.Unary, "0a01ff" },
        { "/paygate.v1.PaymentService/WatchPayment", MethodType.ServerStreaming, "0a01ff" },
        { "/paygate.v1.PaymentService/StreamEvents", MethodType.ServerStreaming, "0a01ff" },
        { "/paygate.v1.WebhookService/CreateWebhookEndpoint", MethodType.Unary, "0a01ff" },
        { "/paygate.v1.ChannelService/ReturnHeldCredit", MethodType.Unary, "0a01ff" },
        // A length running past the end of the message.
        { "/paygate.v1.ChannelService/RecommendChannels", MethodType.Unary, "1a05" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task MalformedMessage_InvalidArgumentWithErrorInfo(string method, MethodType type, string hex)
    {
        var error = await RawCalls.SendAsync(Gateway.Credentials.ForMethod(Gateway.Channel, method), RawCalls.Method(type, method), Convert.FromHexString(hex), Timeout);

        Assert.NotNull(error);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var status = error.GetRpcStatus();
        Assert.NotNull(status);
        var info = status.GetDetail<ErrorInfo>();
        Assert.Equal(("PM-6001", "paygate"), (info?.Reason, info?.Domain));
    }

    [Fact]
    public async Task MalformedMessages_CreateNothing_AndLogOneWarningWithoutStackOrPayload()
    {
        var invoker = Gateway.Merchant;
        var before = await Gateway.Store.ListAsync(Gateway.MerchantId, null, null, 1000, CancellationToken.None);
        for (var i = 0; i < 20; i++)
        {
            var error = await RawCalls.SendAsync(invoker, RawCalls.Method(MethodType.Unary, "/paygate.v1.PaymentService/CreatePayment"),
                Convert.FromHexString("10082201ff"), Timeout);
            Assert.Equal(StatusCode.InvalidArgument, error?.StatusCode);
        }

        Assert.Equal(before.Count, (await Gateway.Store.ListAsync(Gateway.MerchantId, null, null, 1000, CancellationToken.None)).Count);
        var lines = Gateway.Logs.Lines.ToList();
        Assert.DoesNotContain(lines, l => l.Level >= LogLevel.Error);
        Assert.DoesNotContain(lines, l => l.Exception is not null);
        // One warning a minute at most, and the request's bytes are not in it.
        var warnings = lines.Where(l => l.Category.EndsWith("MalformedRequests", StringComparison.Ordinal)).ToList();
        Assert.InRange(warnings.Count, 1, 1 + (int)(DateTime.UtcNow - fixture.Started).TotalMinutes);
        Assert.All(warnings, w => Assert.Equal(LogLevel.Warning, w.Level));
        Assert.All(warnings, w => Assert.DoesNotContain("[FF]", w.Message, StringComparison.Ordinal));
    }
}
