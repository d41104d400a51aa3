using Google.Protobuf;

namespace Paygate.Client.Calls;

/// <summary>
/// Every request that has a <c>request_id</c> field (the merchant API's changes: create, cancel, retry, refund) leaves with one:
/// the caller's, or a new UUID set on a copy (the caller's message is not changed). The same copy is sent on every retry, so the
/// gateway does the work once however many times it arrives.
/// </summary>
internal static class RequestIds
{
    public const string FieldName = "request_id";

    public static (T Request, string? RequestId) Ensure<T>(T request) where T : IMessage<T>
    {
        if (request.Descriptor.FindFieldByName(FieldName) is not { } field)
        {
            return (request, null);
        }
        if (field.Accessor.GetValue(request) is string { Length: > 0 } given)
        {
            return (request, given);
        }
        var copy = request.Clone();
        var id = Guid.NewGuid().ToString();
        field.Accessor.SetValue(copy, id);
        return (copy, id);
    }
}
