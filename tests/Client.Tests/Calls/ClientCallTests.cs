extern alias client;

using client::Paygate.Client;
using client::Paygate.Client.Errors;
using client::Paygate.V1;
using Grpc.Core;
using Microsoft.Extensions.Time.Testing;

namespace Paygate.Client.Tests.Calls;

/// <summary>What the client sends and how it retries, against a scripted connection.</summary>
public sealed class ClientCallTests
{
    private const string Key = "sk_test_0123456789abcdefghijklmnopqrstuvwxyzABCD";

    private static PaygateClient ClientOver(ScriptedInvoker invoker, int maxAttempts = 4, TimeProvider? clock = null) =>
        new(invoker, new PaygateClientOptions { ApiKey = Key, MaxAttempts = maxAttempts, TimeProvider = clock ?? TimeProvider.System });

    private static CreatePaymentRequest Card(string requestId = "") => new()
    {
        RequestId = requestId,
        AmountMinor = 12_000,
        Currency = "USD",
        Description = "Cloud server, 1 year",
        PaymentMethod = new PaymentMethod { Card = new CardDetails { Number = "4242424242424242", ExpMonth = 12, ExpYear = 2031 } },
    };

    private static Payment Paid() => new() { Id = "pay_1", State = Payment.Types.State.Succeeded };

    [Fact]
    public async Task Create_WithoutRequestId_SendsANewOne_AndTheSameOneOnEveryRetry()
    {
        var invoker = new ScriptedInvoker((n, _) => n < 3 ? ScriptedInvoker.Failure(StatusCode.Unavailable, "PM-4502", TimeSpan.FromMilliseconds(5)) : Paid());
        var request = Card();

        var payment = await ClientOver(invoker).Payments.CreateAsync(request);

        Assert.Equal("pay_1", payment.Id);
        Assert.Equal(3, invoker.Sent.Count);
        var ids = invoker.Sent.Select(c => c.RequestId).Distinct().ToList();
        Assert.True(Guid.TryParse(Assert.Single(ids), out _), "one UUID, on all three attempts");
        Assert.Equal("", request.RequestId); // the caller's message is left as it was
    }

    [Fact]
    public async Task Create_WithTheCallersRequestId_SendsThatOne()
    {
        var invoker = new ScriptedInvoker((n, _) => n == 1 ? ScriptedInvoker.Failure(StatusCode.ResourceExhausted, "PM-6018", TimeSpan.FromMilliseconds(5)) : Paid());

        await ClientOver(invoker).Payments.CreateAsync(Card("5b1e4a70-0d5f-4f0e-9d2c-1f2a3b4c5d6e"));

        Assert.All(invoker.Sent, c => Assert.Equal("5b1e4a70-0d5f-4f0e-9d2c-1f2a3b4c5d6e", c.RequestId));
        Assert.Equal(2, invoker.Sent.Count);
    }

    [Fact]
    public async Task CancelRetryAndRefund_EachCarryARequestId()
    {
        var invoker = new ScriptedInvoker((_, request) => request switch
        {
            RefundPaymentRequest => new Refund { Id = "re_1" },
            RetryPaymentRequest => Paid(),
            _ => new Payment { Id = "pay_1", State = Payment.Types.State.Canceled },
        });
        var client = ClientOver(invoker);

        await client.Payments.CancelAsync("pay_1");
        await client.Payments.RetryAsync(new RetryPaymentRequest { Id = "pay_1" });
        await client.Refunds.CreateAsync(new RefundPaymentRequest { Id = "pay_1", AmountMinor = 100 });

        Assert.Equal(3, invoker.Sent.Select(c => c.RequestId).Where(id => Guid.TryParse(id, out _)).Distinct().Count());
    }

    [Fact]
    public async Task EveryAttempt_CarriesTheMerchantKeyAndADeadline()
    {
        var invoker = new ScriptedInvoker((n, _) => n == 1 ? ScriptedInvoker.Failure(StatusCode.Unavailable, "PM-4502", TimeSpan.Zero) : Paid());

        await ClientOver(invoker).Payments.GetAsync("pay_1");

        Assert.Equal(2, invoker.Sent.Count);
        Assert.All(invoker.Sent, c =>
        {
            Assert.Equal("Bearer " + Key, c.Headers.GetValue("authorization"));
            Assert.NotNull(c.Deadline);
            Assert.Null(c.RequestId); // a read has no request_id: repeating it is always safe
        });
    }

    [Fact]
    public async Task AttemptDeadline_IsItsTimeout_OrWhatIsLeftOfTheBudget()
    {
        var start = new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero);
        var clock = new FakeTimeProvider(start);
        var invoker = new ScriptedInvoker((n, _) => n == 1 ? ScriptedInvoker.Failure(StatusCode.Unavailable, "PM-4502", TimeSpan.FromSeconds(4)) : Paid());
        var options = new PaygateClientOptions { ApiKey = Key, TimeProvider = clock, AttemptTimeout = TimeSpan.FromSeconds(8), RetryBudget = TimeSpan.FromSeconds(10) };

        var call = new PaygateClient(invoker, options).Payments.GetAsync("pay_1");
        clock.Advance(TimeSpan.FromSeconds(4));
        await call.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([start.AddSeconds(8).UtcDateTime, start.AddSeconds(10).UtcDateTime], invoker.Sent.Select(c => c.Deadline!.Value));
    }

    [Fact]
    public async Task Failure_WithoutRetryInfo_IsSentOnce_AndThrownTyped()
    {
        var invoker = new ScriptedInvoker((_, _) => ScriptedInvoker.Failure(StatusCode.FailedPrecondition, "PM-6004"));

        var error = await Assert.ThrowsAsync<ConflictException>(() => ClientOver(invoker).Payments.CancelAsync("pay_1"));

        Assert.Single(invoker.Sent);
        Assert.Equal(("PM-6004", StatusCode.FailedPrecondition), (error.Code, error.StatusCode));
        Assert.Equal(invoker.Sent[0].RequestId, error.RequestId);
        Assert.Null(error.RetryAfter);
    }

    [Fact]
    public async Task RetryableFailure_StopsAtMaxAttempts_AndThrowsTheLastWithItsRequestId()
    {
        var invoker = new ScriptedInvoker((_, _) => ScriptedInvoker.Failure(StatusCode.ResourceExhausted, "PM-6018", TimeSpan.FromMilliseconds(1)));

        var error = await Assert.ThrowsAsync<RateLimitedException>(() => ClientOver(invoker, maxAttempts: 3).Payments.CreateAsync(Card()));

        Assert.Equal(3, invoker.Sent.Count);
        Assert.Equal("PM-6018", error.Code);
        Assert.Equal(invoker.Sent[0].RequestId, error.RequestId);
        Assert.Equal(TimeSpan.FromMilliseconds(1), error.RetryAfter);
    }

    [Fact]
    public async Task RetryInfoDelay_IsWaitedInFull_BeforeTheNextAttempt()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var invoker = new ScriptedInvoker((n, _) => n == 1 ? ScriptedInvoker.Failure(StatusCode.Unavailable, "PM-4502", TimeSpan.FromSeconds(2)) : Paid());

        var call = ClientOver(invoker, clock: clock).Payments.CreateAsync(Card());
        Assert.Single(invoker.Sent);
        clock.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.Single(invoker.Sent);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await call.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(2, invoker.Sent.Count);
    }

    [Fact]
    public async Task CallerWhoStopsDuringTheWait_GetsACancellation_AndNoFurtherAttempt()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var invoker = new ScriptedInvoker((_, _) => ScriptedInvoker.Failure(StatusCode.Unavailable, "PM-4502", TimeSpan.FromSeconds(2)));
        using var stop = new CancellationTokenSource();

        var call = ClientOver(invoker, clock: clock).Payments.CreateAsync(Card(), stop.Token);
        await stop.CancelAsync();
        clock.Advance(TimeSpan.FromSeconds(5));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Single(invoker.Sent);
    }

    [Fact]
    public async Task RetryInfoLongerThanTheClientMayWait_IsNotRetriedSooner_ButThrownWithTheDelay()
    {
        var invoker = new ScriptedInvoker((_, _) => ScriptedInvoker.Failure(StatusCode.Unavailable, "PM-2003", TimeSpan.FromSeconds(60)));

        var error = await Assert.ThrowsAsync<OutcomeUnknownException>(() => ClientOver(invoker).Payments.CreateAsync(Card()));

        Assert.Single(invoker.Sent);
        Assert.Equal(TimeSpan.FromSeconds(60), error.RetryAfter);
    }

    [Fact]
    public async Task Create_AnsweredWithAFailedPayment_ThrowsADeclineHoldingThePayment()
    {
        var failed = new Payment
        {
            Id = "pay_2",
            State = Payment.Types.State.Failed,
            Error = new PaymentError { Code = "PM-1001", Message = "Insufficient balance.", Channel = "card", NativeCode = "51" },
        };
        var invoker = new ScriptedInvoker((_, _) => failed);

        var error = await Assert.ThrowsAsync<PaymentDeclinedException>(() => ClientOver(invoker).Payments.CreateAsync(Card()));

        Assert.Equal("PM-1001", error.Code);
        Assert.Equal("pay_2", error.Payment!.Id);
        Assert.Equal("51", error.Metadata["native_code"]);
        Assert.Single(invoker.Sent); // a decline is an answer, not a failure to retry
    }

    [Fact]
    public void Options_NameTheSettingThatCannotWork_WithoutShowingTheKey()
    {
        var wrongKey = Assert.Throws<ArgumentException>(() => new PaygateClient(new PaygateClientOptions { Address = new Uri("http://127.0.0.1:1"), ApiKey = "ok_test_operatorkey123" }));
        Assert.Equal("ApiKey", wrongKey.ParamName);
        Assert.DoesNotContain("operatorkey123", wrongKey.Message, StringComparison.Ordinal);

        Assert.Equal("Address", Assert.Throws<ArgumentException>(() => new PaygateClient(new PaygateClientOptions { ApiKey = Key })).ParamName);
        Assert.Equal("MaxAttempts", Assert.Throws<ArgumentException>(() => new PaygateClientOptions { Address = new Uri("http://x"), ApiKey = Key, MaxAttempts = 0 }.Validate()).ParamName);
    }
}
