using System.Security.Cryptography;
using Npgsql;
using Paygate.Gateway.Tests.Storage;
using Paygate.Simulators.Hosting;
using Paygate.Simulators.Settlement;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

/// <summary>Settlement reconciliation of the gateway on PostgreSQL: the same marks and mismatches as on SQLite.</summary>
public sealed class PostgresSettlementTests : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("paygate-pg-settle-").FullName;
    private string _database = null!;
    private SimulatorHost _simulators = null!;
    private GatewayUnderTest _gateway = null!;

    public async Task InitializeAsync()
    {
        if (PostgresTestServer.SkipReason is not null)
        {
            return;
        }
        _database = await PostgresTestServer.CreateDatabaseAsync();
        _simulators = await SimulatorHost.StartAsync();
        _gateway = await GatewayUnderTest.StartAsync(SandboxSettings.For(_simulators), _data, new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Postgres",
            ["Storage:Postgres:ConnectionString"] = _database,
            ["Storage:DataFolder"] = _data,
            ["Webhooks:SecretKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Settlement:Enabled"] = "false",
        });
    }

    [PostgresFact]
    public async Task CardDay_OnPostgres_SettlesThePaymentAndReportsTheRefundLeftOut()
    {
        var payments = new PaymentService.PaymentServiceClient(_gateway.Merchant);
        var settlement = new SettlementService.SettlementServiceClient(_gateway.Operator);
        var card = await payments.CreatePaymentAsync(GatewayUnderTest.CardRequest());
        var refund = await payments.RefundPaymentAsync(new RefundPaymentRequest { Id = card.Id, AmountMinor = 2_000 });
        _simulators.Card.Settlement.Plan = new SettlementFaultPlan { Drop = [refund.ChannelReference] };
        var day = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        var first = await settlement.RunSettlementAsync(new RunSettlementRequest { Channel = "card", SettleDate = day });
        var again = await settlement.RunSettlementAsync(new RunSettlementRequest { Channel = "card", SettleDate = day });

        Assert.Equal((SettlementRun.Types.State.Succeeded, 1, 1), (again.State, again.Settled, again.Mismatches));
        Assert.Equal((first.Settled, first.Mismatches), (again.Settled, again.Mismatches));
        Assert.Equal(["PAYMENT"], (await settlement.ListSettledItemsAsync(new ListSettledItemsRequest { PaymentId = card.Id })).Items.Select(i => i.TransactionType));
        var missing = Assert.Single((await settlement.ListSettlementMismatchesAsync(new ListSettlementMismatchesRequest { Channel = "card" })).Mismatches);
        Assert.Equal((SettlementMismatch.Types.Kind.MissingAtChannel, refund.Id, again.Id), (missing.Kind, missing.RefundId, missing.RunId));
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
            await _simulators.DisposeAsync();
            NpgsqlConnection.ClearAllPools();
            await PostgresTestServer.DropDatabaseAsync(_database);
        }
        Directory.Delete(_data, recursive: true);
    }
}
