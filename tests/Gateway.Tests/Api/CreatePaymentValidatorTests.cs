using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Paygate.Gateway.Api;
using Paygate.Gateway.Payments;
using Paygate.V1;

namespace Paygate.Gateway.Tests.Api;

public sealed class CreatePaymentValidatorTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero));
    private readonly CreatePaymentValidator _validator;

    public CreatePaymentValidatorTests() =>
        _validator = new CreatePaymentValidator(Options.Create(new PaymentOptions { MaxAmountMinor = 1_000_000 }), _clock);

    private static CreatePaymentRequest Valid() => new() { AmountMinor = 1000, Currency = "CNY", Description = "Cloud server" };

    private FieldViolation SingleViolation(CreatePaymentRequest request)
    {
        var error = Assert.Throws<PaymentException>(() => _validator.Validate(request));
        Assert.Equal("PM-6001", error.Code.Code);
        return Assert.Single(error.Violations);
    }

    [Fact]
    public void Validate_ReturnUrl_IsKeptAndChangesTheFingerprint()
    {
        var request = Valid();
        request.ReturnUrl = "https://shop.example.com/orders/42?paid=1";

        var command = _validator.Validate(request);

        Assert.Equal("https://shop.example.com/orders/42?paid=1", command.ReturnUrl);
        Assert.NotEqual(_validator.Validate(Valid()).Fingerprint(), command.Fingerprint());
    }

    [Theory]
    [InlineData("shop.example.com/orders/42")]
    [InlineData("javascript:alert(1)")]
    [InlineData("ftp://shop.example.com/")]
    [InlineData("https://user:secret@shop.example.com/")]
    public void Validate_ReturnUrlNotAnHttpAddress_NamesTheField(string url)
    {
        var request = Valid();
        request.ReturnUrl = url;

        Assert.Equal("return_url", SingleViolation(request).Field);
    }

    [Fact]
    public void Validate_ReturnUrlTooLong_NamesTheField()
    {
        var request = Valid();
        request.ReturnUrl = "https://shop.example.com/" + new string('a', CreatePaymentValidator.MaxReturnUrlLength);

        Assert.Equal("return_url", SingleViolation(request).Field);
    }

    [Fact]
    public void Validate_ValidRequest_GivesTheCommand()
    {
        var request = Valid();
        request.RequestId = "123E4567-E89B-42D3-A456-426614174000";
        request.Metadata["order"] = "A-1";

        var command = _validator.Validate(request);

        Assert.Equal(1000, command.Amount.AmountMinor);
        Assert.Equal("CNY", command.Amount.Currency.Code);
        Assert.Equal("123e4567-e89b-42d3-a456-426614174000", command.RequestId);
        Assert.Equal("A-1", command.Metadata["order"]);
    }

    [Theory]
    [InlineData(0, "CNY", "amount_minor")]
    [InlineData(-5, "CNY", "amount_minor")]
    [InlineData(1_000_001, "CNY", "amount_minor")]
    [InlineData(100, "XYZ", "currency")]
    [InlineData(100, "", "currency")]
    [InlineData(100, "cny", "currency")]
    public void Validate_BadAmountOrCurrency_NamesTheField(long amount, string currency, string field)
    {
        var request = Valid();
        request.AmountMinor = amount;
        request.Currency = currency;
        Assert.Equal(field, SingleViolation(request).Field);
    }

    [Fact]
    public void Validate_JpyAmount_IsWholeYen()
    {
        var request = Valid();
        request.Currency = "JPY";
        request.AmountMinor = 500;
        var command = _validator.Validate(request);
        Assert.Equal("500", command.Amount.ToMajorUnitString());
    }

    [Fact]
    public void Validate_DescriptionTooLong_IsRefused()
    {
        var request = Valid();
        request.Description = new string('x', 128);
        Assert.Equal("description", SingleViolation(request).Field);
    }

    [Fact]
    public void Validate_ExpireTimeInThePast_IsRefused()
    {
        var request = Valid();
        request.ExpireTime = Timestamp.FromDateTimeOffset(_clock.GetUtcNow().AddMinutes(-1));
        Assert.Equal("expire_time", SingleViolation(request).Field);
    }

    [Fact]
    public void Validate_RequestIdNotAUuid_IsRefused()
    {
        var request = Valid();
        request.RequestId = "order-1";
        Assert.Equal("request_id", SingleViolation(request).Field);
    }

    [Fact]
    public void Validate_TooMuchMetadata_IsRefused()
    {
        var request = Valid();
        for (var i = 0; i < 21; i++)
        {
            request.Metadata[$"k{i}"] = "v";
        }
        Assert.Equal("metadata", SingleViolation(request).Field);
    }

    [Fact]
    public void Validate_SeveralProblems_AreAllReported()
    {
        var request = new CreatePaymentRequest { AmountMinor = -1, Currency = "ABC", Description = "" };
        var error = Assert.Throws<PaymentException>(() => _validator.Validate(request));
        Assert.Equal(["currency", "amount_minor", "description"], error.Violations.Select(v => v.Field));
    }
}
