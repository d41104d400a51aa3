using Paygate.Gateway.Api;
using Paygate.Gateway.Payments;
using Proto = Paygate.V1;

namespace Paygate.Gateway.Tests.Risk;

public sealed class PayerContextMappingTests
{
    [Theory]
    [InlineData("not-an-ip", "payer.ip")]
    [InlineData("192.168.1", "payer.ip")]
    [InlineData("1.2.3.4.5", "payer.ip")]
    public void FromProto_AnIpThatIsNoIp_IsRefusedNamingTheField(string ip, string field)
    {
        var refused = Assert.Throws<PaymentException>(() => PayerContextMapping.FromProto(new Proto.PayerContext { Ip = ip }));

        Assert.Equal(field, Assert.Single(refused.Violations).Field);
    }

    [Fact]
    public void FromProto_APositionOffTheEarth_IsRefused()
    {
        var refused = Assert.Throws<PaymentException>(() =>
            PayerContextMapping.FromProto(new Proto.PayerContext { Location = new Proto.GeoPoint { Latitude = 91, Longitude = 0 } }));

        Assert.Equal("payer.location.latitude", Assert.Single(refused.Violations).Field);
    }

    [Fact]
    public void FromProto_KeepsTheAddressInItsNormalForm()
    {
        var payer = PayerContextMapping.FromProto(new Proto.PayerContext { Ip = "2001:DB8:0:0::1", DeviceId = "dev_1" });

        Assert.Equal(("2001:db8::1", "dev_1"), (payer!.Ip, payer.DeviceId));
        Assert.Equal("203.0.113.7", PayerContextMapping.FromProto(new Proto.PayerContext { Ip = "::ffff:203.0.113.7" })!.Ip);
        Assert.Null(PayerContextMapping.FromProto(new Proto.PayerContext()));
    }
}
