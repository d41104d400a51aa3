using System.Globalization;
using Paygate.V1;

namespace Paygate.Bench;

/// <summary>
/// Group accounts' cost on CreatePayment (<c>--only groups</c>): one group with 10,000 sub-accounts (made through GroupService),
/// then card creates at 16 and 64 in flight booked to them (each to a sub-account in turn: its budget held, no approval) against
/// unbooked ones, in the same run and alternating (unbooked, booked, unbooked, booked), so that a difference is not a drift of the machine.
/// </summary>
internal static class GroupBench
{
    private const int SubAccounts = 10_000;

    public static async Task<int> RunAsync(BenchSettings settings, TextWriter output)
    {
        var folder = Directory.CreateTempSubdirectory("paygate-bench-groups-");
        try
        {
            await using var gateway = await GatewayUnderBench.StartAsync(Path.Combine(folder.FullName, "paygate.db"));
            var accounts = await SubAccountsAsync(gateway, output);
            await Bench.WarmUpAsync(gateway, settings);

            var counter = 0;
            Task Unbooked(int worker) => Succeeded(gateway.Payments.CreatePaymentAsync(CardRequest(null)).ResponseAsync);
            Task Booked(int worker) => Succeeded(gateway.Payments.CreatePaymentAsync(CardRequest(accounts[Interlocked.Increment(ref counter) % accounts.Length])).ResponseAsync);

            var runs = new List<(bool Booked, int InFlight, RunFigures Figures)>();
            foreach (var inFlight in new[] { 16, 64 })
            {
                foreach (var booked in new[] { false, true, false, true })
                {
                    var figures = await ClosedLoop.RunAsync(booked ? "CreatePayment card, booked" : "CreatePayment card, unbooked", inFlight,
                        settings.RunLength, settings.CallsPerRun, booked ? Booked : Unbooked);
                    output.WriteLine(figures);
                    runs.Add((booked, inFlight, figures));
                }
            }
            foreach (var inFlight in new[] { 16, 64 })
            {
                double Mean(bool booked, Func<RunFigures, double> figure) => runs.Where(r => r.Booked == booked && r.InFlight == inFlight).Average(r => figure(r.Figures));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"c={inFlight}: booked {Mean(true, f => f.PerSecond):F0}/s p50 {Mean(true, f => f.P50Ms):F2} ms p99 {Mean(true, f => f.P99Ms):F2} ms; "
                    + $"unbooked {Mean(false, f => f.PerSecond):F0}/s p50 {Mean(false, f => f.P50Ms):F2} ms p99 {Mean(false, f => f.P99Ms):F2} ms; "
                    + $"throughput ratio {Mean(true, f => f.PerSecond) / Mean(false, f => f.PerSecond):F2}"));
            }
            var used = await gateway.Groups.GetSubAccountAsync(new GetSubAccountRequest { Id = accounts[1] });
            output.WriteLine($"sub-account {used.Id} ({used.DepartmentCode}) used this month: {used.UsedMinor} {used.BudgetCurrency} minor units");
            return runs.Sum(r => r.Figures.Errors) == 0 ? 0 : 1;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    /// <summary>The group and its sub-accounts, made through the API at 16 in flight; each has a budget far above what the runs spend.</summary>
    private static async Task<string[]> SubAccountsAsync(GatewayUnderBench gateway, TextWriter output)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var group = await gateway.Groups.CreateGroupAsync(new CreateGroupRequest { DisplayName = "Bench Holdings" });
        var accounts = new string[SubAccounts];
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < SubAccounts; i = Interlocked.Increment(ref next))
            {
                accounts[i] = (await gateway.Groups.CreateSubAccountAsync(new CreateSubAccountRequest
                {
                    GroupId = group.Id,
                    DepartmentCode = $"D{i:D5}",
                    DisplayName = $"Department {i}",
                    BudgetCurrency = "USD",
                    BudgetMinor = 1_000_000_000_000,
                })).Id;
            }
        }));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"group {group.Id}: {SubAccounts:N0} sub-accounts made in {started.Elapsed.TotalSeconds:F1} s"));
        return accounts;
    }

    private static CreatePaymentRequest CardRequest(string? account) => new()
    {
        AmountMinor = 12_000,
        Currency = "USD",
        Description = "Cloud server, 1 year",
        Customer = new Customer { Type = Customer.Types.Type.Enterprise, Country = "US", Account = account ?? "" },
        PaymentMethod = new PaymentMethod { Card = new CardDetails { Number = "4242424242424242", ExpMonth = 12, ExpYear = 2031, Cvc = "123" } },
    };

    private static async Task Succeeded(Task<Payment> create)
    {
        var payment = await create;
        if (payment.State != Payment.Types.State.Succeeded)
        {
            throw new InvalidOperationException($"card payment {payment.Id} ended {payment.State} ({payment.Error?.Code})");
        }
    }
}
