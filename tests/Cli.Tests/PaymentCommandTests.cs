using System.Text.Json;
using Paygate.Cli.Failures;
using Paygate.EndToEnd.Tests;

namespace Paygate.Cli.Tests;

/// <summary><c>paygate payments ...</c> and <c>events tail</c> against the real gateway.</summary>
[Collection(GatewayCollection.Name)]
public sealed class PaymentCommandTests(GatewayFixture fixture) : CliTestBase(fixture)
{
    [Fact]
    public async Task CardPayment_CreateGetWatchRefund_EachExitsZero()
    {
        var id = await PaidCardPaymentAsync();

        var get = await Merchant("payments", "get", id);
        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.Contains(id, get.Out, StringComparison.Ordinal);
        Assert.Contains("SUCCEEDED", get.Out, StringComparison.Ordinal);
        Assert.Contains("120.00 USD", get.Out, StringComparison.Ordinal);
        Assert.Contains("visa ...4242", get.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("4242424242424242", get.Out, StringComparison.Ordinal);

        var watch = await Merchant("payments", "watch", id, "--json");
        Assert.True(watch.ExitCode == 0, watch.ToString());
        var changes = watch.OutLines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal("STATE_SUCCEEDED", changes[^1].GetProperty("payment").GetProperty("state").GetString());

        var refund = await Merchant("payments", "refund", id, "--amount", "500", "--reason", "one month back", "--json");
        Assert.True(refund.ExitCode == 0, refund.ToString());
        using var refunded = JsonDocument.Parse(refund.Out);
        Assert.Equal("500", refunded.RootElement.GetProperty("amountMinor").GetString()); // protobuf JSON writes int64 as a string
        Assert.Contains(refunded.RootElement.GetProperty("state").GetString(), new[] { "STATE_SUCCEEDED", "STATE_PENDING" });
        Assert.Equal(id, refunded.RootElement.GetProperty("paymentId").GetString());
    }

    [Fact]
    public async Task Watch_OnATerminal_ShowsASpinnerAndColoursAndEndsWhenFinal()
    {
        var id = await PaidCardPaymentAsync();

        var watch = await CliRun.RunAsync(["payments", "watch", id, "--address", Address, "--key", Gateway.Credentials.MerchantKey], terminal: true);

        Assert.True(watch.ExitCode == 0, watch.ToString());
        Assert.Contains("payment.snapshot", watch.Out, StringComparison.Ordinal);
        Assert.Contains("waiting for the payment to be final", watch.Out, StringComparison.Ordinal);
        Assert.Contains("\u001b[", watch.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_Json_IsOneJsonDocumentHoldingTheNewPayment()
    {
        var id = await PaidCardPaymentAsync();

        var list = await Merchant("payments", "list", "--state", "succeeded", "--limit", "100", "--json");

        Assert.True(list.ExitCode == 0, list.ToString());
        using var json = JsonDocument.Parse(list.Out);
        var payments = json.RootElement.GetProperty("payments").EnumerateArray().ToList();
        Assert.Contains(payments, p => p.GetProperty("id").GetString() == id);
        Assert.All(payments, p => Assert.Equal("STATE_SUCCEEDED", p.GetProperty("state").GetString()));
    }

    [Fact]
    public async Task List_Table_ShowsRowsAndWherePagingGoesOn()
    {
        await PaidCardPaymentAsync();
        await PaidCardPaymentAsync();

        var list = await Merchant("payments", "list", "--limit", "1");

        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("pay_", list.Out, StringComparison.Ordinal);
        Assert.Contains("next page: paygate payments list --page-token ", list.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_WalletPayment_RequiresActionThenCancelsOnceAndRefusesASecondCancel()
    {
        var create = await Merchant("payments", "create", "--amount", "8888", "--currency", "CNY", "--description", "Cloud server ECS, 1 month",
            "--channel", "alipay", "--country", "CN", "--device", "pc", "--request-id", Guid.NewGuid().ToString());
        Assert.True(create.ExitCode == 0, create.ToString());
        Assert.Contains("REQUIRES_ACTION", create.Out, StringComparison.Ordinal);
        Assert.Contains("show QR code", create.Out, StringComparison.Ordinal);
        var id = create.OutLines.Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).SelectMany(w => w).First(w => w.StartsWith("pay_", StringComparison.Ordinal));

        var cancel = await Merchant("payments", "cancel", id, "--json");
        Assert.True(cancel.ExitCode == 0, cancel.ToString());
        Assert.Equal("STATE_CANCELED", JsonDocument.Parse(cancel.Out).RootElement.GetProperty("state").GetString());

        var refund = await Merchant("payments", "refund", id);
        var line = AssertOneLineFailure(refund, ExitCodes.Conflict);
        Assert.Matches("PM-[0-9]{4}", line);
    }

    [Fact]
    public async Task Create_DeclinedCard_ShowsTheFailedPaymentAndOneLineWithThePayerCode()
    {
        var run = await Merchant(CardArguments("4000000000009995"));

        Assert.True(run.ExitCode == ExitCodes.PaymentFailed, run.ToString());
        Assert.Equal("STATE_FAILED", JsonDocument.Parse(run.Out).RootElement.GetProperty("state").GetString());
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("paygate: PM-1001 ", line, StringComparison.Ordinal);
        Assert.Contains("another payment method", line, StringComparison.Ordinal);

        // Watching it ends at once (it is final) with the same family's exit code and reason.
        var id = JsonDocument.Parse(run.Out).RootElement.GetProperty("id").GetString()!;
        var watch = await Merchant("payments", "watch", id);
        Assert.True(watch.ExitCode == ExitCodes.PaymentFailed, watch.ToString());
        Assert.Contains("FAILED", watch.Out, StringComparison.Ordinal);
        Assert.StartsWith("paygate: PM-1001 ", Assert.Single(watch.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EventsTail_PrintsEventsFromTheStartUntilStoppedThenFollowsFromTheCursor()
    {
        var earlier = await PaidCardPaymentAsync();

        // Everything so far: the tail follows until it is stopped (as by Ctrl+C), which ends it normally with the cursor to resume after.
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var history = await CliRun.RunAsync(["events", "tail", "--address", Address, "--key", Gateway.Credentials.MerchantKey], cancellationToken: stop.Token);
        Assert.True(history.ExitCode == 0, history.ToString());
        Assert.Contains(history.OutLines, l => l.Contains("payment.succeeded", StringComparison.Ordinal) && l.Contains(earlier, StringComparison.Ordinal));
        var cursor = history.OutLines[^1].Split(' ', 2)[0];
        Assert.Contains($"resume with paygate events tail --after {cursor}", history.Error, StringComparison.Ordinal);

        // From that cursor, the next event is the new payment's.
        var follow = Merchant("events", "tail", "--after", cursor, "--count", "1", "--json");
        var id = await PaidCardPaymentAsync();
        var next = await follow.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(next.ExitCode == 0, next.ToString());
        using var e = JsonDocument.Parse(Assert.Single(next.OutLines));
        Assert.Equal(id, e.RootElement.GetProperty("payment").GetProperty("id").GetString());
        Assert.StartsWith("payment.", e.RootElement.GetProperty("type").GetString(), StringComparison.Ordinal);
    }
}
