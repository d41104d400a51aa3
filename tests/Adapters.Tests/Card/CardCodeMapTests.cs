using Paygate.Adapters.Card;
using Paygate.Adapters.Contract;

namespace Paygate.Adapters.Tests.Card;

public sealed class CardCodeMapTests
{
    /// <summary>Every ISO 8583 field 39 code of PROTOCOLS.md and of the card table: outcome, unified code, Visa retry category.</summary>
    public static TheoryData<string, ChannelOutcome, string?, CardRetryCategory> Expectations => new()
    {
        { "00", ChannelOutcome.Succeeded, null, CardRetryCategory.None },
        { "01", ChannelOutcome.Declined, "PM-1007", CardRetryCategory.RetryLater },
        { "03", ChannelOutcome.Failed, "PM-4006", CardRetryCategory.RetryLater },
        { "04", ChannelOutcome.Declined, "PM-3002", CardRetryCategory.NeverRetry },
        { "05", ChannelOutcome.Declined, "PM-1007", CardRetryCategory.RetryLater },
        { "06", ChannelOutcome.Failed, "PM-4003", CardRetryCategory.RetryLater },
        { "07", ChannelOutcome.Declined, "PM-3002", CardRetryCategory.NeverRetry },
        { "08", ChannelOutcome.Unknown, "PM-2001", CardRetryCategory.NeverRetry },
        { "09", ChannelOutcome.Unknown, "PM-2001", CardRetryCategory.NeverRetry },
        { "10", ChannelOutcome.Unknown, "PM-2001", CardRetryCategory.NeverRetry },
        { "11", ChannelOutcome.Unknown, "PM-2001", CardRetryCategory.NeverRetry },
        { "12", ChannelOutcome.Declined, "PM-1010", CardRetryCategory.NeverRetry },
        { "13", ChannelOutcome.Declined, "PM-5002", CardRetryCategory.RetryLater },
        { "14", ChannelOutcome.Declined, "PM-1008", CardRetryCategory.NeverRetry },
        { "15", ChannelOutcome.Declined, "PM-1008", CardRetryCategory.NeverRetry },
        { "19", ChannelOutcome.Failed, "PM-4003", CardRetryCategory.RetryLater },
        { "1A", ChannelOutcome.Declined, "PM-1013", CardRetryCategory.RetryLater },
        { "30", ChannelOutcome.Declined, "PM-5002", CardRetryCategory.NeverRetry },
        { "41", ChannelOutcome.Declined, "PM-3002", CardRetryCategory.NeverRetry },
        { "43", ChannelOutcome.Declined, "PM-3002", CardRetryCategory.NeverRetry },
        { "46", ChannelOutcome.Declined, "PM-1010", CardRetryCategory.NeverRetry },
        { "51", ChannelOutcome.Declined, "PM-1001", CardRetryCategory.RetryLater },
        { "54", ChannelOutcome.Declined, "PM-1009", CardRetryCategory.NeverRetry },
        { "55", ChannelOutcome.Declined, "PM-1012", CardRetryCategory.RetryLater },
        { "57", ChannelOutcome.Declined, "PM-1010", CardRetryCategory.NeverRetry },
        { "58", ChannelOutcome.Failed, "PM-4006", CardRetryCategory.RetryLater },
        { "59", ChannelOutcome.Declined, "PM-3001", CardRetryCategory.RetryLater },
        { "61", ChannelOutcome.Declined, "PM-1004", CardRetryCategory.RetryLater },
        { "62", ChannelOutcome.Declined, "PM-1010", CardRetryCategory.RetryLater },
        { "63", ChannelOutcome.Declined, "PM-3001", CardRetryCategory.NeverRetry },
        { "65", ChannelOutcome.Declined, "PM-1011", CardRetryCategory.RetryLater },
        { "68", ChannelOutcome.Unknown, "PM-2001", CardRetryCategory.NeverRetry },
        { "75", ChannelOutcome.Declined, "PM-1012", CardRetryCategory.RetryLater },
        { "78", ChannelOutcome.Declined, "PM-1010", CardRetryCategory.RetryLater },
        { "91", ChannelOutcome.Failed, "PM-4002", CardRetryCategory.RetryLater },
        { "92", ChannelOutcome.Failed, "PM-4002", CardRetryCategory.RetryLater },
        { "93", ChannelOutcome.Declined, "PM-1010", CardRetryCategory.NeverRetry },
        { "94", ChannelOutcome.Unknown, "PM-2001", CardRetryCategory.NeverRetry },
        { "96", ChannelOutcome.Failed, "PM-4002", CardRetryCategory.RetryLater },
        { "N7", ChannelOutcome.Declined, "PM-1008", CardRetryCategory.RetryLater },
    };

    public static TheoryData<string> Codes => new(CardCodeMap.Rows.Select(r => r.Code));

    [Theory]
    [MemberData(nameof(Expectations))]
    public void Find_ResponseCode_MapsToOutcomeCodeAndRetryCategory(string code, ChannelOutcome outcome, string? pmCode, CardRetryCategory retry)
    {
        var row = CardCodeMap.Find(code);
        Assert.Equal((outcome, pmCode, retry), (row.Outcome, row.Error?.Code, row.Retry));
    }

    [Fact]
    public void Rows_EveryRowIsCoveredByAnExpectation()
    {
        var expected = Expectations.Select(e => (string)e[0]).ToHashSet();
        Assert.All(CardCodeMap.Rows, row => Assert.Contains(row.Code, expected));
    }

    /// <summary>
    /// The outcome and the unified code's decision say the same: only a Failed answer fails over, an answer that may hide a
    /// charge is queried first, and a "do not retry" answer neither fails over nor is retried.
    /// </summary>
    [Theory]
    [MemberData(nameof(Codes))]
    public void Find_OutcomeAgreesWithTheDecisionOfItsCode(string code)
    {
        var row = CardCodeMap.Find(code);
        var expected = row.Outcome switch
        {
            ChannelOutcome.Failed => Paygate.Adapters.Errors.ErrorDecision.FailOver,
            ChannelOutcome.Unknown => Paygate.Adapters.Errors.ErrorDecision.QueryFirst,
            ChannelOutcome.Declined => Paygate.Adapters.Errors.ErrorDecision.DoNotRetry,
            _ => (Paygate.Adapters.Errors.ErrorDecision?)null,
        };
        Assert.Equal(expected, row.Error?.Decision);
    }

    [Theory]
    [InlineData("94")]
    [InlineData("68")]
    [InlineData("10")]
    public void Find_AnswersThatMayHideACharge_AreUnknownNeverDeclinedOrFailed(string code) =>
        Assert.Equal(ChannelOutcome.Unknown, CardCodeMap.Find(code).Outcome);

    [Fact]
    public void Find_IssuerDeclines_AreNeverFailoverCandidates()
    {
        // PROTOCOLS.md: no failover to another acquirer for 05/51; 91/96 are acquirer or switch trouble.
        Assert.Equal(ChannelOutcome.Declined, CardCodeMap.Find("05").Outcome);
        Assert.Equal(ChannelOutcome.Declined, CardCodeMap.Find("51").Outcome);
        Assert.Equal(Paygate.Adapters.Errors.ErrorDecision.FailOver, CardCodeMap.Find("91").Error!.Decision);
        Assert.Equal(Paygate.Adapters.Errors.ErrorDecision.FailOver, CardCodeMap.Find("96").Error!.Decision);
    }

    [Theory]
    [InlineData("4242424242424242", true, "visa")]
    [InlineData("5555555555554444", true, "mastercard")]
    [InlineData("2223003122003222", true, "mastercard")]
    [InlineData("378282246310005", true, "amex")]
    [InlineData("6200000000000005", true, "unionpay")]
    [InlineData("4242424242424241", false, "visa")]
    [InlineData("42424242", false, "visa")]
    [InlineData("4242-4242-4242-4242", false, "visa")]
    public void CardNumber_LuhnAndBrand(string number, bool valid, string brand)
    {
        Assert.Equal(valid, CardNumber.IsValid(number));
        Assert.Equal(brand, CardNumber.Brand(number));
    }

    [Fact]
    public void PaymentCard_ToString_NeverShowsTheNumber()
    {
        var card = new PaymentCard("4242424242424242", 12, 2030, "123", null);
        Assert.DoesNotContain("424242424242", card.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("123", card.ToString(), StringComparison.Ordinal);
        Assert.Equal("visa card ending 4242", card.ToString());
    }
}
