using System.Security.Cryptography;
using Grpc.Core;
using Npgsql;
using Paygate.Gateway.Cli;
using Paygate.Gateway.Tests.Storage;
using Paygate.Simulators.Hosting;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

/// <summary>The gateway on PostgreSQL (<c>Storage:Provider=Postgres</c>), through its real gRPC API, with the simulated networks.</summary>
public sealed class PostgresGatewayTests : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("paygate-pg-e2e-").FullName;
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
        _gateway = await GatewayUnderTest.StartAsync(SandboxSettings.For(_simulators), _data, Settings());
    }

    private Dictionary<string, string?> Settings() => new()
    {
        ["Storage:Provider"] = "Postgres",
        ["Storage:Postgres:ConnectionString"] = _database,
        ["Storage:DataFolder"] = _data,
        ["Webhooks:SecretKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
    };

    [PostgresFact]
    public async Task APaymentsWholeLife_OnPostgres_IsAsOnSqlite()
    {
        var payments = new PaymentService.PaymentServiceClient(_gateway.Merchant);
        var card = await payments.CreatePaymentAsync(GatewayUnderTest.CardRequest());
        Assert.Equal(Payment.Types.State.Succeeded, card.State);

        var created = await payments.CreatePaymentAsync(GatewayUnderTest.NewRequest(8888));
        Assert.Equal(Payment.Types.State.RequiresAction, created.State);
        using var watch = payments.WatchPayment(new WatchPaymentRequest { Id = created.Id });
        Assert.True(await watch.ResponseStream.MoveNext());
        Assert.Null(_simulators.Alipay.BuyerPays(created.NextAction.QrCode));
        // The network's signed notification reaches the gateway; the watcher hears of it.
        while (await watch.ResponseStream.MoveNext() && watch.ResponseStream.Current.Payment.State != Payment.Types.State.Succeeded)
        {
        }
        Assert.Equal(Payment.Types.State.Succeeded, watch.ResponseStream.Current.Payment.State);

        var refund = await payments.RefundPaymentAsync(new RefundPaymentRequest { Id = card.Id, AmountMinor = 2_000, RequestId = Guid.NewGuid().ToString() });
        Assert.Equal(Refund.Types.State.Succeeded, refund.State);
        Assert.Single(_simulators.Card.Ledger, e => e.Kind == "refund" && e.Reference == card.Attempts[0].ChannelReference);

        // The stream: every event of both payments, each payment's in its order, positions increasing.
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var stream = payments.StreamEvents(new StreamEventsRequest(), cancellationToken: cancel.Token);
        var events = new List<Event>();
        while (!events.Any(e => e.Type == "refund.succeeded") && await stream.ResponseStream.MoveNext(cancel.Token))
        {
            events.Add(stream.ResponseStream.Current);
        }
        var cursors = events.Select(e => long.Parse(e.Cursor, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(cursors.Order(), cursors);
        Assert.Equal(["payment.created", "payment.requires_action", "payment.succeeded"], events.Where(e => e.Payment.Id == created.Id).Select(e => e.Type));
        Assert.Equal("payment.created", events.First(e => e.Payment.Id == card.Id).Type);
        Assert.Contains(events, e => e.Type == "refund.succeeded" && e.Refund.Id == refund.Id);

        // The operator's view of the same: backlog gauges counted on PostgreSQL, and its commits timed.
        using var http = new HttpClient();
        var scrape = await http.GetStringAsync($"{_gateway.HttpBaseUrl}/metrics");
        Assert.Matches(new System.Text.RegularExpressions.Regex(@"^paygate_attempts_unknown(\{[^}]*\})? 0( |$)", System.Text.RegularExpressions.RegexOptions.Multiline), scrape);
        Assert.Matches(new System.Text.RegularExpressions.Regex(@"^paygate_webhooks_pending(\{[^}]*\})? 0( |$)", System.Text.RegularExpressions.RegexOptions.Multiline), scrape);
        Assert.Matches(@"paygate_store_commit_duration_seconds_count\{[^}]*store=""postgres""", scrape);
    }

    [PostgresFact]
    public async Task TheDatabaseGoingReadOnly_AnswersUnavailableWithRetryInfo_AndTheRetryAfterwardsMakesOnePayment()
    {
        var payments = new PaymentService.PaymentServiceClient(_gateway.Merchant);
        var request = GatewayUnderTest.CardRequest(requestId: Guid.NewGuid().ToString());
        await SetReadOnlyAsync(true);

        var refused = await Assert.ThrowsAsync<RpcException>(() => payments.CreatePaymentAsync(request).ResponseAsync);
        // Without a request_id, a failed change cannot be retried blindly: the caller is told to look first.
        var unsure = await Assert.ThrowsAsync<RpcException>(() => payments.CreatePaymentAsync(GatewayUnderTest.CardRequest()).ResponseAsync);
        Assert.Equal((StatusCode.Internal, "PM-4503"), (unsure.StatusCode, unsure.GetRpcStatus()!.GetDetail<Google.Rpc.ErrorInfo>()!.Reason));
        Assert.Null(unsure.GetRpcStatus()!.GetDetail<Google.Rpc.RetryInfo>());
        // A change whose request has no request_id at all (a webhook endpoint) is told the same: a blind retry could make two.
        var endpoint = await Assert.ThrowsAsync<RpcException>(() => new WebhookService.WebhookServiceClient(_gateway.Merchant)
            .CreateWebhookEndpointAsync(new CreateWebhookEndpointRequest { Url = "http://127.0.0.1:9/hooks" }).ResponseAsync);
        Assert.Equal((StatusCode.Internal, "PM-4503"), (endpoint.StatusCode, endpoint.GetRpcStatus()!.GetDetail<Google.Rpc.ErrorInfo>()!.Reason));

        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        var status = refused.GetRpcStatus()!;
        Assert.Equal("PM-4502", status.GetDetail<Google.Rpc.ErrorInfo>()!.Reason);
        Assert.NotNull(status.GetDetail<Google.Rpc.RetryInfo>());
        Assert.Empty(_simulators.Card.Ledger); // refused before anything was written or sent

        await SetReadOnlyAsync(false);
        var paid = await payments.CreatePaymentAsync(request);
        var again = await payments.CreatePaymentAsync(request);
        Assert.Equal((Payment.Types.State.Succeeded, paid.Id), (again.State, again.Id));
        Assert.Single((await payments.ListPaymentsAsync(new ListPaymentsRequest { PageSize = 10 })).Payments);
        Assert.Single(_simulators.Card.Ledger, e => e.Kind == "charge");
    }

    [PostgresFact]
    public async Task TheAdminCommand_WorksOnTheSharedDatabase_BesideTheRunningGateway()
    {
        var config = Path.Combine(_data, "admin.json");
        await File.WriteAllTextAsync(config, System.Text.Json.JsonSerializer.Serialize(Settings()));
        using var output = new StringWriter();
        using var errors = new StringWriter();

        var code = await AdminCommands.RunAsync(["merchants", "create", "--name", "Acme Cloud Ltd", "--config", config], output, errors);

        Assert.True(code == 0, errors.ToString());
        var admin = new AdminService.AdminServiceClient(_gateway.Operator);
        Assert.Contains((await admin.ListMerchantsAsync(new ListMerchantsRequest { PageSize = 10 })).Merchants, m => m.Name == "Acme Cloud Ltd");
    }

    /// <summary>Makes the database refuse writes, and drops the gateway's pooled connections so that new ones see it.</summary>
    private async Task SetReadOnlyAsync(bool readOnly)
    {
        await using var connection = new NpgsqlConnection(PostgresTestServer.ConnectionString);
        await connection.OpenAsync();
        var name = new NpgsqlConnectionStringBuilder(_database).Database;
        await using var alter = new NpgsqlCommand($"ALTER DATABASE \"{name}\" SET default_transaction_read_only = {(readOnly ? "on" : "off")}", connection);
        await alter.ExecuteNonQueryAsync();
        await using var terminate = new NpgsqlCommand("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = @name AND pid <> pg_backend_pid()", connection);
        terminate.Parameters.AddWithValue("name", name!);
        await terminate.ExecuteNonQueryAsync();
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
