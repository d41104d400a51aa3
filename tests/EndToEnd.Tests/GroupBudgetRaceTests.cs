using System.Security.Cryptography;
using Grpc.Core;
using Paygate.Gateway.Tests.Storage;
using Paygate.Simulators.Hosting;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

/// <summary>
/// Concurrent CreatePayment calls booked to one sub-account through the real gateway, on SQLite and on PostgreSQL: exactly as many
/// pass as the budget covers, the rest are refused with PM-3101, and what the sub-account reports used is what passed.
/// </summary>
public sealed class GroupBudgetRaceTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    [Fact]
    public Task ConcurrentCreates_OnSqlite_NeverPassTheLastOfTheBudget() => RaceAsync(fixture.Gateway);

    [PostgresFact]
    public async Task ConcurrentCreates_OnPostgres_NeverPassTheLastOfTheBudget()
    {
        var data = Directory.CreateTempSubdirectory("paygate-pg-groups-").FullName;
        var database = await PostgresTestServer.CreateDatabaseAsync();
        await using var simulators = await SimulatorHost.StartAsync();
        var gateway = await GatewayUnderTest.StartAsync(SandboxSettings.For(simulators), data, new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Postgres",
            ["Storage:Postgres:ConnectionString"] = database,
            ["Storage:DataFolder"] = data,
            ["Webhooks:SecretKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        });
        try
        {
            await RaceAsync(gateway);
        }
        finally
        {
            await gateway.DisposeAsync();
            await PostgresTestServer.DropDatabaseAsync(database);
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task RaceAsync(GatewayUnderTest gateway)
    {
        var groups = new GroupService.GroupServiceClient(gateway.Merchant);
        var group = await groups.CreateGroupAsync(new CreateGroupRequest { DisplayName = "Race Corp" });
        var account = await groups.CreateSubAccountAsync(new CreateSubAccountRequest
        {
            GroupId = group.Id,
            DepartmentCode = "OPS",
            BudgetCurrency = "CNY",
            BudgetMinor = 10_000,
        });

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            var request = GatewayUnderTest.NewRequest(1_000);
            request.Customer.Account = account.Id;
            try
            {
                await gateway.Payments.CreatePaymentAsync(request);
                return "created";
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.FailedPrecondition)
            {
                return ex.GetRpcStatus()!.GetDetail<Google.Rpc.ErrorInfo>().Reason;
            }
        }));

        Assert.Equal(10, outcomes.Count(o => o == "created"));
        Assert.Equal(6, outcomes.Count(o => o == "PM-3101"));
        Assert.Equal(10_000, (await groups.GetSubAccountAsync(new GetSubAccountRequest { Id = account.Id })).UsedMinor);
    }
}
