using System.Text;
using Grpc.Core;
using Paygate.Simulators.Faults;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

/// <summary>Card payments through the real gateway and the simulated acquirer.</summary>
public sealed class CardPaymentTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>, IDisposable
{
    private const string Pan = "4242424242424242";
    private GatewayUnderTest Gateway => fixture.Gateway;

    private static CreatePaymentRequest CardRequest(string number = Pan, long amount = 12_000, string currency = "USD") =>
        GatewayUnderTest.CardRequest(number, amount, currency);

    private int Charges(string reference) => fixture.Simulators.Card.Ledger.Count(e => e.Reference == reference && e.Kind == "charge");

    [Fact]
    public async Task Card_Approved_SucceedsAtOnceKeepingOnlyBrandAndLastFour()
    {
        var payment = await Gateway.Payments.CreatePaymentAsync(CardRequest());

        Assert.Equal(Payment.Types.State.Succeeded, payment.State);
        Assert.Equal("card", payment.Attempts.Single().Channel);
        Assert.Equal(("visa", "4242", 12, 2031), (payment.Card.Brand, payment.Card.Last4, payment.Card.ExpMonth, payment.Card.ExpYear));
        Assert.Equal(1, Charges(payment.Attempts[0].ChannelReference));
        Assert.DoesNotContain(Pan, payment.ToString(), StringComparison.Ordinal);

        // Neither the database nor its write-ahead log holds the card number.
        // (The empty .lock file that marks the gateway's ownership of the database cannot be opened while it runs.)
        foreach (var file in Directory.EnumerateFiles(fixture.DataDirectory).Where(f => !f.EndsWith(".lock", StringComparison.Ordinal)))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream, Encoding.Latin1);
            Assert.DoesNotContain(Pan, await reader.ReadToEndAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Card_InsufficientFunds_FailsWithPm1001AndNoFailover()
    {
        var payment = await Gateway.Payments.CreatePaymentAsync(CardRequest("4000000000009995"));

        Assert.Equal(Payment.Types.State.Failed, payment.State);
        Assert.Equal(("PM-1001", "51"), (payment.Error.Code, payment.Error.NativeCode));
        Assert.Equal(Attempt.Types.State.Declined, Assert.Single(payment.Attempts).State);
        Assert.Equal(0, Charges(payment.Attempts[0].ChannelReference));
    }

    [Fact]
    public async Task Card_ChargedButResponseLost_QueryFindsItCapturedOneCharge()
    {
        fixture.Simulators.CardFaults.Plan = new FaultPlan { LoseResponseRate = 1, Limit = 1, Methods = ["authorize"] };

        var payment = await Gateway.Payments.CreatePaymentAsync(CardRequest());

        Assert.Equal(Payment.Types.State.Succeeded, payment.State);
        Assert.Equal(1, Charges(payment.Attempts.Single().ChannelReference));
    }

    [Fact]
    public async Task Card_AuthorizationNeverArrived_ResentWithTheSameIdempotencyKeyOneCharge()
    {
        fixture.Simulators.CardFaults.Plan = new FaultPlan { ErrorRate = 1, ErrorCode = "500/internal_error", Limit = 1, Methods = ["authorize"] };

        var payment = await Gateway.Payments.CreatePaymentAsync(CardRequest());

        Assert.Equal(Payment.Types.State.Succeeded, payment.State);
        Assert.Equal(1, Charges(payment.Attempts.Single().ChannelReference));
    }

    [Fact]
    public async Task Card_DuplicateTransmission94_IsSettledByQuery_OneChargeNoFailover()
    {
        var payment = await Gateway.Payments.CreatePaymentAsync(CardRequest("4000000000000945"));

        Assert.Equal(Payment.Types.State.Succeeded, payment.State);
        var attempt = Assert.Single(payment.Attempts);
        Assert.Equal(("card", Attempt.Types.State.Succeeded, "00"), (attempt.Channel, attempt.State, attempt.NativeCode));
        Assert.Equal(1, Charges(attempt.ChannelReference));
    }

    [Fact]
    public async Task Card_ConflictOnCreate_IsSettledByQuery_OneChargeNoFailover()
    {
        // A 409 on create means the acquirer may already hold (and have charged) the reference: the gateway must ask, not give up.
        fixture.Simulators.CardFaults.Plan = new FaultPlan { ErrorRate = 1, ErrorCode = "409/duplicate_reference", Limit = 1, Methods = ["authorize"] };
        var before = fixture.Simulators.Card.Payments.Count;

        var payment = await Gateway.Payments.CreatePaymentAsync(CardRequest());
        var reference = Assert.Single(payment.Attempts).ChannelReference;

        Assert.Equal(Payment.Types.State.Succeeded, payment.State);
        Assert.Equal(1, Charges(reference));
        Assert.Equal(before + 1, fixture.Simulators.Card.Payments.Count);
    }

    [Fact]
    public async Task Card_ThreeDSecureChallengePassed_RequiresActionThenSucceedsWithOneCharge()
    {
        var payment = await Gateway.Payments.CreatePaymentAsync(CardRequest(ChallengePasses));

        var challenge = AssertChallenge(payment);
        var reference = payment.Attempts.Single().ChannelReference;
        Assert.Equal(0, Charges(reference));

        await CardChallengePayer.AnswerAsync(challenge, "complete");
        var paid = await Gateway.WaitForAsync(payment.Id, p => p.State == Payment.Types.State.Succeeded);

        Assert.Equal(Attempt.Types.State.Succeeded, Assert.Single(paid.Attempts).State);
        Assert.Null(paid.NextAction);
        Assert.Equal(1, Charges(reference));
    }

    [Theory]
    [InlineData(false)] // the authorisation after the challenge never reached the acquirer
    [InlineData(true)]  // it charged, and its answer was lost
    public async Task Card_ThreeDSecureAuthorisationCutOff_IsFinishedByRecoveryWithOneCharge(bool processed)
    {
        fixture.Simulators.CardFaults.Plan = processed
            ? new FaultPlan { LoseResponseRate = 1, Limit = 1, Methods = ["authorize-authenticated"] }
            : new FaultPlan { ErrorRate = 1, ErrorCode = "500/internal_error", Limit = 1, Methods = ["authorize-authenticated"] };
        var payment = await Gateway.Payments.CreatePaymentAsync(CardRequest(ChallengePasses));

        await CardChallengePayer.AnswerAsync(AssertChallenge(payment), "complete");
        var paid = await Gateway.WaitForAsync(payment.Id, p => p.State == Payment.Types.State.Succeeded);

        Assert.True(fixture.Simulators.CardFaults.Injected >= 1, "the authorisation after the challenge was never cut off");
        Assert.Single(paid.Attempts);
        Assert.Equal(1, Charges(paid.Attempts[0].ChannelReference));
    }

    [Fact]
    public async Task Card_ThreeDSecureChallengeFailed_FailsWithPm1013AndNoCharge()
    {
        var payment = await Gateway.Payments.CreatePaymentAsync(CardRequest(ChallengeFails));

        var challenge = AssertChallenge(payment);
        await CardChallengePayer.AnswerAsync(challenge, "complete");
        var failed = await Gateway.WaitForAsync(payment.Id, p => p.State == Payment.Types.State.Failed);

        Assert.Equal("PM-1013", failed.Error.Code);
        Assert.Equal(Attempt.Types.State.Declined, Assert.Single(failed.Attempts).State);
        Assert.Equal(0, Charges(failed.Attempts[0].ChannelReference));
    }

    [Fact]
    public async Task Card_ThreeDSecureChallengeAbandoned_ExpiresAndALateConfirmationChargesNothing()
    {
        var request = CardRequest(ChallengePasses);
        request.ExpireTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddSeconds(2));
        var payment = await Gateway.Payments.CreatePaymentAsync(request);
        var challenge = AssertChallenge(payment);

        var expired = await Gateway.WaitForAsync(payment.Id, p => p.State == Payment.Types.State.Expired);
        // The acquirer's order was canceled at expiry: a payer who comes back to the page cannot be charged any more.
        await CardChallengePayer.AnswerAsync(challenge, "complete");

        Assert.Equal("PM-1013", expired.Error.Code);
        Assert.Equal(Attempt.Types.State.Closed, Assert.Single(expired.Attempts).State);
        Assert.Equal("canceled", fixture.Simulators.Card.Payments.Single(p => p.Reference == expired.Attempts[0].ChannelReference).Status);
        Assert.Equal(0, Charges(expired.Attempts[0].ChannelReference));
    }

    private const string ChallengePasses = "4000000000003188";
    private const string ChallengeFails = "4000000000003196";

    /// <summary>The payment waits for the payer on the acquirer's challenge page, reached by a plain GET.</summary>
    private string AssertChallenge(Payment payment)
    {
        Assert.Equal(Payment.Types.State.RequiresAction, payment.State);
        Assert.Equal((NextAction.Types.Type.Redirect, "GET"), (payment.NextAction.Type, payment.NextAction.RedirectMethod));
        Assert.StartsWith(fixture.Simulators.CardBaseUrl.TrimEnd('/') + "/3ds/challenge/", payment.NextAction.RedirectUrl, StringComparison.Ordinal);
        Assert.Equal(("1A", Attempt.Types.State.RequiresAction), (payment.Attempts.Single().NativeCode, payment.Attempts[0].State));
        return payment.NextAction.RedirectUrl;
    }

    [Fact]
    public async Task Card_TamperedAnswers_AreNotTrustedUntilAGenuineOneArrives()
    {
        fixture.Simulators.CardFaults.Plan = new FaultPlan { TamperRate = 1 };

        var payment = await Gateway.Payments.CreatePaymentAsync(CardRequest());

        Assert.Equal(Payment.Types.State.Processing, payment.State);
        Assert.Equal((Attempt.Types.State.Unknown, "PM-4004"), (payment.Attempts[0].State, payment.Attempts[0].ErrorCode));
        fixture.Simulators.CardFaults.Plan = FaultPlan.None;
        await Gateway.WaitForAsync(payment.Id, p => p.State == Payment.Types.State.Succeeded);
        Assert.Equal(1, Charges(payment.Attempts[0].ChannelReference));
    }

    [Fact]
    public async Task Card_InvalidNumber_IsRefusedWithoutEchoingIt()
    {
        const string bad = "4242424242424241";
        var ex = await Assert.ThrowsAsync<RpcException>(() => Gateway.Payments.CreatePaymentAsync(CardRequest(bad)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.DoesNotContain(bad, ex.ToString(), StringComparison.Ordinal);
        var (_, _, badRequest) = await RpcErrors.CatchAsync(() => Gateway.Payments.CreatePaymentAsync(CardRequest(bad)).ResponseAsync);
        Assert.Equal("payment_method.card.number", badRequest!.FieldViolations.Single().Field);
    }

    [Theory]
    [InlineData(9_999, "USD")]   // below the card channel's 100.00 USD minimum
    [InlineData(50_000, "CNY")]  // the card channel does not take CNY
    public async Task Card_AmountOrCurrencyTheChannelCannotTake_IsRefusedBeforeAnyCall(long amount, string currency)
    {
        var before = fixture.Simulators.Card.Payments.Count;
        var (code, info, _) = await RpcErrors.CatchAsync(() => Gateway.Payments.CreatePaymentAsync(CardRequest(amount: amount, currency: currency)).ResponseAsync);
        Assert.Equal((StatusCode.FailedPrecondition, "PM-6009"), (code, info.Reason));
        Assert.Equal(before, fixture.Simulators.Card.Payments.Count);
    }

    public void Dispose() => fixture.Simulators.CardFaults.Plan = FaultPlan.None;
}
