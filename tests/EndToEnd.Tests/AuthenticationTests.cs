using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

/// <summary>A gateway whose refusal budget outlasts this class's refused keys (the flood has its own class).</summary>
public sealed class AuthenticationFixture : GatewayFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>
    {
        ["RateLimits:RefusedKeysBurst"] = "1000",
    };
}

/// <summary>Who may call: keys in the authorization header, roles, revocation and expiry, the open health and reflection services.</summary>
public sealed class AuthenticationTests(AuthenticationFixture fixture) : IClassFixture<AuthenticationFixture>
{
    private GatewayUnderTest Gateway => fixture.Gateway;

    private AdminService.AdminServiceClient Admin => new(Gateway.Operator);

    private PaymentService.PaymentServiceClient PaymentsWith(string? authorization) =>
        new(authorization is null ? Gateway.Channel.CreateCallInvoker() : ApiCredentials.WithHeader(Gateway.Channel, authorization));

    private static async Task<string> RefusalAsync(PaymentService.PaymentServiceClient payments)
    {
        var (code, info, _) = await RpcErrors.CatchAsync(() => payments.ListPaymentsAsync(new ListPaymentsRequest()).ResponseAsync);
        Assert.Equal((StatusCode.Unauthenticated, "PM-6016"), (code, info.Reason));
        return (await Assert.ThrowsAsync<RpcException>(() => payments.ListPaymentsAsync(new ListPaymentsRequest()).ResponseAsync)).Status.Detail;
    }

    [Fact]
    public async Task MissingOrMalformedAuthorization_IsUnauthenticated_SayingWhatWasWrongWithTheHeader()
    {
        Assert.Contains("authorization: Bearer", await RefusalAsync(PaymentsWith(null)), StringComparison.Ordinal);
        Assert.Contains("Bearer", await RefusalAsync(PaymentsWith("Basic " + Convert.ToBase64String("user:pass"u8.ToArray()))), StringComparison.Ordinal);
        Assert.Contains("Bearer", await RefusalAsync(PaymentsWith(Gateway.Credentials.MerchantKey)), StringComparison.Ordinal); // the key without its scheme
        Assert.Contains("not an API key", await RefusalAsync(PaymentsWith("Bearer not-a-key")), StringComparison.Ordinal);
        Assert.Contains("too long", await RefusalAsync(PaymentsWith("Bearer sk_test_" + new string('a', 6000))), StringComparison.Ordinal);
        Assert.Contains("live key", await RefusalAsync(PaymentsWith("Bearer " + Gateway.Credentials.MerchantKey.Replace("sk_test_", "sk_live_", StringComparison.Ordinal))),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownRevokedAndExpiredKeys_GetOneAndTheSameAnswer_AndNeverSeeTheKeyEchoed()
    {
        var merchantId = Gateway.MerchantId;
        var revoked = await Admin.CreateApiKeyAsync(new CreateApiKeyRequest { MerchantId = merchantId, Description = "to revoke" });
        var expiring = await Admin.CreateApiKeyAsync(new CreateApiKeyRequest
        {
            MerchantId = merchantId,
            Description = "short-lived",
            ExpireTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddSeconds(2)),
        });
        await PaymentsWith("Bearer " + revoked.Secret).ListPaymentsAsync(new ListPaymentsRequest());
        await PaymentsWith("Bearer " + expiring.Secret).ListPaymentsAsync(new ListPaymentsRequest());

        await Admin.RevokeApiKeyAsync(new RevokeApiKeyRequest { Id = revoked.Key.Id });
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var unknown = "sk_test_" + new string('Z', 43);

        var answers = new[] { unknown, revoked.Secret, expiring.Secret }.Select(async k => (Key: k, Message: await RefusalAsync(PaymentsWith("Bearer " + k)))).ToList();
        var messages = await Task.WhenAll(answers);
        Assert.Single(messages.Select(m => m.Message).Distinct());
        Assert.All(messages, m => Assert.DoesNotContain(m.Key[8..], m.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Roles_MerchantKeysCannotOperate_AndOperatorKeysAreNotMerchants()
    {
        var asMerchant = await RpcErrors.CatchAsync(() => new ChannelService.ChannelServiceClient(Gateway.Merchant).ListChannelsAsync(new ListChannelsRequest()).ResponseAsync);
        var adminAsMerchant = await RpcErrors.CatchAsync(() => new AdminService.AdminServiceClient(Gateway.Merchant).ListMerchantsAsync(new ListMerchantsRequest()).ResponseAsync);
        var asOperator = await RpcErrors.CatchAsync(() => new PaymentService.PaymentServiceClient(Gateway.Operator).ListPaymentsAsync(new ListPaymentsRequest()).ResponseAsync);
        var webhooksAsOperator = await RpcErrors.CatchAsync(() =>
            new WebhookService.WebhookServiceClient(Gateway.Operator).ListWebhookEndpointsAsync(new ListWebhookEndpointsRequest()).ResponseAsync);

        Assert.All(new[] { asMerchant, adminAsMerchant, asOperator, webhooksAsOperator }, e => Assert.Equal((StatusCode.PermissionDenied, "PM-6017"), (e.Code, e.Info.Reason)));
        Assert.NotEmpty((await new ChannelService.ChannelServiceClient(Gateway.Operator).ListChannelsAsync(new ListChannelsRequest())).Channels);
    }

    [Fact]
    public async Task HealthAndReflection_AreOpenWithoutAKey()
    {
        var health = await new Health.HealthClient(Gateway.Channel).CheckAsync(new HealthCheckRequest());
        using var reflection = new ServerReflection.ServerReflectionClient(Gateway.Channel).ServerReflectionInfo();
        await reflection.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        Assert.True(await reflection.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        Assert.Contains("paygate.v1.AdminService", reflection.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name));
    }

    [Fact]
    public async Task Keys_AreShownOnce_KeptAsHashAndPrefix_WithTheirLastUse_AndEveryActionIsAudited()
    {
        var merchant = await Admin.CreateMerchantAsync(new CreateMerchantRequest { Name = "Acme Cloud Ltd" });
        var created = await Admin.CreateApiKeyAsync(new CreateApiKeyRequest { MerchantId = merchant.Id, Description = "checkout service" });
        var second = await Admin.CreateApiKeyAsync(new CreateApiKeyRequest { MerchantId = merchant.Id, Description = "rotation" });
        await PaymentsWith("Bearer " + created.Secret).ListPaymentsAsync(new ListPaymentsRequest());
        await PaymentsWith("Bearer " + second.Secret).ListPaymentsAsync(new ListPaymentsRequest());

        Assert.Matches("^sk_test_[0-9A-Za-z]{43}$", created.Secret);
        Assert.Equal(created.Secret[..12], created.Key.Prefix);
        // The last use is written beside the call, not before its answer: wait for it rather than race it.
        IList<ApiKey> listed = [];
        await GatewayUnderTest.WaitUntilAsync(async () =>
        {
            listed = (await Admin.ListApiKeysAsync(new ListApiKeysRequest { MerchantId = merchant.Id })).Keys;
            return listed.All(k => k.LastUseTime is not null);
        }, TimeSpan.FromSeconds(10), "both keys' last use recorded");
        Assert.Equal([second.Key.Id, created.Key.Id], listed.Select(k => k.Id));
        Assert.All(listed, k => Assert.NotNull(k.LastUseTime));
        Assert.DoesNotContain(created.Secret, listed.ToString(), StringComparison.Ordinal);

        await Admin.RevokeApiKeyAsync(new RevokeApiKeyRequest { Id = created.Key.Id });
        await RefusalAsync(PaymentsWith("Bearer " + created.Secret));
        await PaymentsWith("Bearer " + second.Secret).ListPaymentsAsync(new ListPaymentsRequest()); // rotation: the other still works

        var audit = (await Admin.ListAuditEntriesAsync(new ListAuditEntriesRequest { PageSize = 500 })).Entries;
        var operatorKey = (await Admin.ListApiKeysAsync(new ListApiKeysRequest { Operator = true })).Keys.Single(k => k.Description == "sandbox operator key").Id;
        Assert.Contains(audit, e => (e.Action, e.Target, e.Actor) == ("merchant.created", merchant.Id, operatorKey));
        Assert.Contains(audit, e => (e.Action, e.Target, e.Actor, e.MerchantId) == ("api_key.created", created.Key.Id, operatorKey, merchant.Id));
        Assert.Contains(audit, e => (e.Action, e.Target, e.Actor) == ("api_key.revoked", created.Key.Id, operatorKey));
        Assert.DoesNotContain(created.Secret, audit.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WebhookEndpointChanges_AreAuditedWithTheMerchantsKey()
    {
        var webhooks = new WebhookService.WebhookServiceClient(Gateway.Merchant);
        var endpoint = await webhooks.CreateWebhookEndpointAsync(new CreateWebhookEndpointRequest { Url = "http://127.0.0.1:9/hook" });
        await webhooks.DeleteWebhookEndpointAsync(new DeleteWebhookEndpointRequest { Id = endpoint.Id });

        var audit = (await Admin.ListAuditEntriesAsync(new ListAuditEntriesRequest { PageSize = 500 })).Entries;
        var merchantKey = (await Admin.ListApiKeysAsync(new ListApiKeysRequest { MerchantId = Gateway.MerchantId })).Keys.Single(k => k.Description == "sandbox merchant key").Id;
        Assert.Contains(audit, e => (e.Action, e.Target, e.Actor, e.MerchantId) == ("webhook_endpoint.created", endpoint.Id, merchantKey, Gateway.MerchantId));
        Assert.Contains(audit, e => (e.Action, e.Target, e.Actor) == ("webhook_endpoint.deleted", endpoint.Id, merchantKey));
        Assert.DoesNotContain(endpoint.Secret, audit.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminBadInput_IsInvalidArgumentOrNotFound_AndChangesNothing()
    {
        var before = (await Admin.ListAuditEntriesAsync(new ListAuditEntriesRequest { PageSize = 500 })).Entries.Count;

        var noName = await RpcErrors.CatchAsync(() => Admin.CreateMerchantAsync(new CreateMerchantRequest { Name = " " }).ResponseAsync);
        var badLimit = await RpcErrors.CatchAsync(() => Admin.CreateMerchantAsync(new CreateMerchantRequest { Name = "x", RateLimit = new V1.RateLimit { PerSecond = 10, Burst = 5 } }).ResponseAsync);
        var both = await RpcErrors.CatchAsync(() => Admin.CreateApiKeyAsync(new CreateApiKeyRequest { MerchantId = Gateway.MerchantId, Operator = true }).ResponseAsync);
        var past = await RpcErrors.CatchAsync(() => Admin.CreateApiKeyAsync(new CreateApiKeyRequest
        {
            MerchantId = Gateway.MerchantId,
            ExpireTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)),
        }).ResponseAsync);
        var noMerchant = await RpcErrors.CatchAsync(() => Admin.CreateApiKeyAsync(new CreateApiKeyRequest { MerchantId = "mch_" + new string('0', 26) }).ResponseAsync);
        var noKey = await RpcErrors.CatchAsync(() => Admin.RevokeApiKeyAsync(new RevokeApiKeyRequest { Id = Gateway.Credentials.MerchantKey }).ResponseAsync);

        Assert.Equal(("name", "rate_limit", "merchant_id", "expire_time"),
            (noName.BadRequest!.FieldViolations[0].Field, badLimit.BadRequest!.FieldViolations[0].Field, both.BadRequest!.FieldViolations[0].Field, past.BadRequest!.FieldViolations[0].Field));
        Assert.Equal((StatusCode.NotFound, "PM-6019"), (noMerchant.Code, noMerchant.Info.Reason));
        Assert.Equal((StatusCode.NotFound, "PM-6020"), (noKey.Code, noKey.Info.Reason));
        var revokeError = await Assert.ThrowsAsync<RpcException>(() => Admin.RevokeApiKeyAsync(new RevokeApiKeyRequest { Id = Gateway.Credentials.MerchantKey }).ResponseAsync);
        Assert.DoesNotContain(Gateway.Credentials.MerchantKey, revokeError.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before, (await Admin.ListAuditEntriesAsync(new ListAuditEntriesRequest { PageSize = 500 })).Entries.Count);
        await Gateway.Payments.ListPaymentsAsync(new ListPaymentsRequest()); // the sandbox key is untouched
    }
}

/// <summary>An operator who does not want the API described to anyone closes reflection; health stays open.</summary>
public sealed class ReflectionSettingTests
{
    [Fact]
    public async Task ReflectionClosedBySetting_IsUnimplemented_HealthStillAnswers()
    {
        var data = Directory.CreateTempSubdirectory("paygate-reflection-").FullName;
        try
        {
            await using var simulators = await Paygate.Simulators.Hosting.SimulatorHost.StartAsync();
            await using var gateway = await GatewayUnderTest.StartAsync(Paygate.Simulators.Hosting.SandboxSettings.For(simulators), data,
                new Dictionary<string, string?> { ["Paygate:Reflection"] = "false" });
            using var reflection = new ServerReflection.ServerReflectionClient(gateway.Channel).ServerReflectionInfo();

            var error = await Assert.ThrowsAsync<RpcException>(async () =>
            {
                await reflection.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
                await reflection.ResponseStream.MoveNext(CancellationToken.None);
            });

            Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await new Health.HealthClient(gateway.Channel).CheckAsync(new HealthCheckRequest())).Status);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
