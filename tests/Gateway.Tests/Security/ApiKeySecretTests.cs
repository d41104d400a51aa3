using Paygate.Gateway.Api;
using Paygate.Gateway.Merchants;

namespace Paygate.Gateway.Tests.Security;

public sealed class ApiKeySecretTests
{
    [Theory]
    [InlineData(KeyRole.Merchant, "test", "sk_test_")]
    [InlineData(KeyRole.Merchant, "live", "sk_live_")]
    [InlineData(KeyRole.Operator, "test", "ok_test_")]
    [InlineData(KeyRole.Operator, "live", "ok_live_")]
    public void New_HasItsRoleAndEnvironmentInItsPrefix_AndParsesBack(KeyRole role, string mode, string prefix)
    {
        var secret = ApiKeySecret.New(role, mode);

        Assert.StartsWith(prefix, secret, StringComparison.Ordinal);
        Assert.Equal(51, secret.Length);
        Assert.True(ApiKeySecret.TryParse(secret, out var parsedRole, out var parsedMode, out _));
        Assert.Equal((role, mode), (parsedRole, parsedMode));
        Assert.Equal(secret[..12], ApiKeySecret.Prefix(secret));
        Assert.Matches("^[0-9a-f]{64}$", ApiKeySecret.Hash(secret));
    }

    [Fact]
    public void New_IsDifferentEveryTime()
    {
        var secrets = Enumerable.Range(0, 1000).Select(_ => ApiKeySecret.New(KeyRole.Merchant, "test")).ToHashSet();

        Assert.Equal(1000, secrets.Count);
        Assert.Equal(1000, secrets.Select(ApiKeySecret.Hash).Distinct().Count());
    }

    [Theory]
    [InlineData("")]
    [InlineData("sk_test_")]
    [InlineData("sk_test_abc")]
    [InlineData("pk_test_0123456789012345678901234567890123456789012")]
    [InlineData("sk_prod_0123456789012345678901234567890123456789012")]
    [InlineData("sk_test_012345678901234567890123456789012345678901-")]
    [InlineData("sk_test_0123456789012345678901234567890123456789_12")]
    [InlineData("sk_test_01234567890123456789012345678901234567890123")]
    public void TryParse_RefusesWhatIsNotAKey(string text) =>
        Assert.False(ApiKeySecret.TryParse(text, out _, out _, out _));

    [Theory]
    [InlineData("/paygate.v1.PaymentService/CreatePayment", KeyRole.Merchant)]
    [InlineData("/paygate.v1.WebhookService/ListWebhookEndpoints", KeyRole.Merchant)]
    [InlineData("/paygate.v1.DisputeService/ListDisputes", KeyRole.Merchant)]
    [InlineData("/paygate.v1.ChannelService/ListChannels", KeyRole.Operator)]
    [InlineData("/paygate.v1.AdminService/CreateMerchant", KeyRole.Operator)]
    [InlineData("/paygate.v1.SomethingNew/Method", KeyRole.Operator)]
    [InlineData("/paygate.v1.PaymentServiceX/CreatePayment", KeyRole.Operator)]
    public void RequiredRole_MerchantApiForMerchants_EverythingElseForOperators(string method, KeyRole role) =>
        Assert.Equal(role, CallerInterceptor.RequiredRole(method));

    [Theory]
    [InlineData("/grpc.health.v1.Health/Check")]
    [InlineData("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo")]
    [InlineData("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo")]
    public void RequiredRole_HealthAndReflectionAreOpen(string method) => Assert.Null(CallerInterceptor.RequiredRole(method));

    [Theory]
    [InlineData("/paygate.v1.DisputeService/ListDisputes", true)]
    [InlineData("/paygate.v1.DisputeService/RecordArbitrationDecision", true)]
    [InlineData("/paygate.v1.PaymentService/CreatePayment", false)]
    [InlineData("/paygate.v1.WebhookService/ListWebhookEndpoints", false)]
    public void OperatorsToo_OnlyTheDisputes(string method, bool both) => Assert.Equal(both, CallerInterceptor.OperatorsToo(method));
}
