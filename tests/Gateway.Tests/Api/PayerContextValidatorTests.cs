using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Paygate.Gateway.Api;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Risk;
using Paygate.V1;

namespace Paygate.Gateway.Tests.Api;

/// <summary>What risk control reads of a CreatePaymentRequest: the payer's IP, position and device; the customer's id, address position and contact.</summary>
public sealed class PayerContextValidatorTests
{
    private readonly CreatePaymentValidator _validator = new(Options.Create(new PaymentOptions { MaxAmountMinor = 1_000_000 }),
        new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero)), new CardFingerprints(new byte[32]));

    private static CreatePaymentRequest Valid() => new() { AmountMinor = 1000, Currency = "CNY", Description = "Cloud server" };

    [Theory]
    [InlineData("not an ip")]
    [InlineData("1.2")]
    [InlineData("300.1.1.1")]
    [InlineData("2001:db8::zz")]
    [InlineData("192.168.1")]
    [InlineData("1.2.3.4.5")]
    [InlineData("0x7f.0.0.1")]
    public void APayerIpThatIsNotAnIp_IsInvalidArgument(string ip)
    {
        var request = Valid();
        request.Payer = new V1.PayerContext { Ip = ip };

        var error = Assert.Throws<PaymentException>(() => _validator.Validate(request));

        Assert.Equal("PM-6001", error.Code.Code);
        Assert.Equal("payer.ip", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void TheContext_IsKept_IpsInTheirNormalForm_TheContactMasked()
    {
        var request = Valid();
        request.Payer = new V1.PayerContext { Ip = "::ffff:203.0.113.9", Location = new V1.GeoPoint { Latitude = 31.23, Longitude = 121.47 }, DeviceId = "dev-1" };
        request.Customer = new Customer { Id = "cus_42", Contact = "+8613800138000", RegisteredLocation = new V1.GeoPoint { Latitude = 39.9, Longitude = 116.4 } };

        var command = _validator.Validate(request);

        Assert.Equal("203.0.113.9", command.PayerContext!.Ip);
        Assert.Equal(new Gateway.Payments.GeoPoint(31.23, 121.47), command.PayerContext.Location);
        Assert.Equal("cus_42", command.Customer.Id);
        Assert.Equal("+86*******8000", command.Customer.MaskedContact);
        Assert.Equal("+8613800138000", command.Contact);
        Assert.NotEqual(_validator.Validate(Valid()).Fingerprint(), command.Fingerprint());
    }

    [Fact]
    public void Ipv6_IsKeptInItsNormalForm_AndAnEmptyContextIsNone()
    {
        var request = Valid();
        request.Payer = new V1.PayerContext { Ip = "2001:DB8:0:0::1" };
        Assert.Equal("2001:db8::1", _validator.Validate(request).PayerContext!.Ip);
        request.Payer = new V1.PayerContext();
        Assert.Null(_validator.Validate(request).PayerContext);
    }

    [Theory]
    [InlineData("ann@example.com", "a***@example.com")]
    [InlineData("+14155550100", "+14*****0100")]
    public void Contacts_AreMasked(string contact, string masked) => Assert.Equal(masked, PayerContextValidator.Mask(contact));

    [Theory]
    [InlineData("13800138000", "customer.contact")]
    [InlineData("not mail@", "customer.contact")]
    public void ABadContact_IsInvalidArgument(string contact, string field)
    {
        var request = Valid();
        request.Customer = new Customer { Contact = contact };
        Assert.Equal(field, Assert.Single(Assert.Throws<PaymentException>(() => _validator.Validate(request)).Violations).Field);
    }

    [Fact]
    public void APositionOffTheEarth_IsInvalidArgument()
    {
        var request = Valid();
        request.Payer = new V1.PayerContext { Location = new V1.GeoPoint { Latitude = 91, Longitude = 0 } };
        Assert.Equal("payer.location.latitude", Assert.Single(Assert.Throws<PaymentException>(() => _validator.Validate(request)).Violations).Field);
    }

    [Fact]
    public void ACard_GetsAKeyedFingerprint_TheSameForTheSameNumberOnly()
    {
        static CreatePaymentRequest WithCard(string number) => new()
        {
            AmountMinor = 1000,
            Currency = "USD",
            Description = "Cloud server",
            PaymentMethod = new PaymentMethod { Card = new CardDetails { Number = number, ExpMonth = 12, ExpYear = 2030 } },
        };

        var first = _validator.Validate(WithCard("4242424242424242")).CardFingerprint;
        var again = _validator.Validate(WithCard("4242424242424242")).CardFingerprint;
        var other = _validator.Validate(WithCard("4000056655665556")).CardFingerprint;

        Assert.StartsWith("fp_", first);
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.DoesNotContain("4242", first![3..], StringComparison.Ordinal);
        var otherKey = new CardFingerprints(Enumerable.Repeat((byte)1, 32).ToArray()).Of(new Adapters.Contract.PaymentCard("4242424242424242", 12, 2030, null, null));
        Assert.NotEqual(first, otherKey);
    }
}
