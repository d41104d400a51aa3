using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Paygate.Gateway.Api;
using Paygate.V1;

namespace Paygate.Gateway.Tests.Api;

public sealed class MalformedRequestsTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero));
    private readonly WarningCounter _log = new();
    private readonly Marshaller<GetPaymentRequest> _guarded;

    public MalformedRequestsTests() =>
        _guarded = new MalformedRequests(_log, _clock).Guard(Marshallers.Create(m => m.ToByteArray(), GetPaymentRequest.Parser.ParseFrom), "/paygate.v1.PaymentService/GetPayment");

    private GetPaymentRequest Parse(string hex) => _guarded.ContextualDeserializer(new Payload(Convert.FromHexString(hex)));

    [Fact]
    public void Guard_ValidMessage_ParsesIt() => Assert.Equal("pay_1", Parse("0a057061795f31").Id);

    [Theory]
    [InlineData("00")]
    [InlineData("0f")]
    [InlineData("0a01ff")]
    [InlineData("0a05")]
    public void Guard_MalformedMessage_InvalidArgumentWithPm6001(string hex)
    {
        var error = Assert.Throws<RpcException>(() => Parse(hex));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var info = error.GetRpcStatus()?.GetDetail<ErrorInfo>();
        Assert.Equal(("PM-6001", "paygate"), (info?.Reason, info?.Domain));
    }

    [Fact]
    public void Guard_ManyMalformedMessages_OneWarningAMinuteCountingTheRest()
    {
        for (var i = 0; i < 50; i++)
        {
            Assert.Throws<RpcException>(() => Parse("00"));
        }
        _clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Throws<RpcException>(() => Parse("00"));

        Assert.Equal(["1", "50"], _log.Counts);
    }

    private sealed class Payload(byte[] bytes) : DeserializationContext
    {
        public override int PayloadLength => bytes.Length;

        public override byte[] PayloadAsNewBuffer() => (byte[])bytes.Clone();
    }

    /// <summary>The count each warning reports.</summary>
    private sealed class WarningCounter : ILogger<MalformedRequests>
    {
        public List<string> Counts { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            Assert.Equal(LogLevel.Warning, logLevel);
            Assert.Null(exception);
            Counts.Add(((IReadOnlyList<KeyValuePair<string, object?>>)state!).Single(p => p.Key == "Count").Value!.ToString()!);
        }
    }
}
