namespace Paygate.Client.Errors;

/// <summary>One invalid field of a request, as the gateway's <c>google.rpc.BadRequest</c> names it.</summary>
/// <param name="Field">The field's path in the request, e.g. <c>payment_method.card.number</c>.</param>
/// <param name="Description">What is wrong with it.</param>
public sealed record FieldViolation(string Field, string Description);
