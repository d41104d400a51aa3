using Paygate.Cli.Failures;
using Paygate.EndToEnd.Tests;

namespace Paygate.Cli.Tests;

/// <summary><c>paygate report bill</c> against the real gateway, with the merchant key: a group's bill streamed to a CSV file.</summary>
[Collection(GatewayCollection.Name)]
public sealed class BillCommandTests(GatewayFixture fixture) : CliTestBase(fixture)
{
    [Fact]
    public async Task Bill_WritesTheGroupsCsv_WithRefundsAndTotals()
    {
        var group = await ReportSeeds.CreateGroupAsync(Gateway.Services, Gateway.MerchantId);
        var at = new DateTimeOffset(2026, 7, 1, 9, 0, 0, TimeSpan.FromHours(8));
        var payments = Enumerable.Range(0, 600).Select(i => ReportSeeds.Payment(Gateway.MerchantId, group, at.AddMinutes(i), amount: 1_000)).ToList();
        ReportSeeds.AddRefund(payments[0], 250);
        await ReportSeeds.InsertAsync(Gateway.Store, payments);
        var file = Path.Combine(Directory.CreateTempSubdirectory("paygate-bill-").FullName, "bill.csv");

        var run = await Merchant("report", "bill", "--group", group, "--month", "2026-07", "--out", file);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("600 payments, 1 refunds in CNY", run.Out);
        var rows = await File.ReadAllLinesAsync(file);
        Assert.StartsWith("kind,time,payment_id", rows[0]);
        Assert.Equal(600, rows.Count(r => r.StartsWith("payment,", StringComparison.Ordinal)));
        Assert.Single(rows, r => r.StartsWith("refund,", StringComparison.Ordinal) && r.Contains(",-2.50,CNY,", StringComparison.Ordinal));
        Assert.StartsWith("total,,,,,,,,5997.50,CNY,", rows[^1]);
    }

    [Fact]
    public async Task Bill_UnknownGroup_OrReversedDays_IsOneLineNamingTheProblem()
    {
        var file = Path.Combine(Path.GetTempPath(), "paygate-bill-never.csv");

        var unknown = await Merchant("report", "bill", "--group", ReportSeeds.UnknownGroupId(), "--month", "2026-07", "--out", file);
        Assert.Contains("PM-6041", AssertOneLineFailure(unknown, ExitCodes.NotFound));

        var group = await ReportSeeds.CreateGroupAsync(Gateway.Services, Gateway.MerchantId);
        await ReportSeeds.InsertAsync(Gateway.Store, [ReportSeeds.Payment(Gateway.MerchantId, group, new DateTimeOffset(2026, 7, 1, 9, 0, 0, TimeSpan.FromHours(8)))]);
        var reversed = await Merchant("report", "bill", "--group", group, "--from", "2026-07-31", "--to", "2026-07-01", "--out", file);
        Assert.Contains("PM-6072", AssertOneLineFailure(reversed, ExitCodes.Usage));
        Assert.False(File.Exists(file));
    }
}
