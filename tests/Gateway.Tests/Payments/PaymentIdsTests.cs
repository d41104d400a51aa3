using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Tests.Payments;

public sealed class PaymentIdsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(42)]
    public void AttemptNumberOf_AttemptReference_GivesItsNumber(int number) =>
        Assert.Equal(number, PaymentIds.AttemptNumberOf(PaymentIds.AttemptReference("pay_01JABCDEFGHJKMNPQRSTVWXYZ0", number)));

    [Theory]
    [InlineData("PROBE0123456789ABCDEF0123A12")]
    [InlineData("A01")]
    [InlineData("01JABCDEFGHJKMNPQRSTVWXYZ0A01F01")]
    public void AttemptNumberOf_OtherReferences_IsNull(string reference) => Assert.Null(PaymentIds.AttemptNumberOf(reference));
}
