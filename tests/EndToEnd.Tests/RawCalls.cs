using Grpc.Core;

namespace Paygate.EndToEnd.Tests;

/// <summary>Calls any method with raw bytes as its request message, as a client with a broken or hostile encoder would.</summary>
internal static class RawCalls
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);

    public static Method<byte[], byte[]> Method(MethodType type, string fullName)
    {
        var slash = fullName.LastIndexOf('/');
        return new Method<byte[], byte[]>(type, fullName[1..slash], fullName[(slash + 1)..], Bytes, Bytes);
    }

    /// <summary>
    /// Sends <paramref name="message"/> and returns the call's status: OK when a unary call answers or a stream
    /// delivers its first message (then it is canceled), the error otherwise.
    /// </summary>
    public static async Task<RpcException?> SendAsync(CallInvoker invoker, Method<byte[], byte[]> method, byte[] message, TimeSpan timeout, Metadata? headers = null)
    {
        var options = new CallOptions(headers, DateTime.UtcNow + timeout);
        try
        {
            if (method.Type == MethodType.Unary)
            {
                await invoker.AsyncUnaryCall(method, null, options, message);
                return null;
            }
            using var cancel = new CancellationTokenSource();
            using var call = invoker.AsyncServerStreamingCall(method, null, options.WithCancellationToken(cancel.Token), message);
            await call.ResponseStream.MoveNext(CancellationToken.None);
            await cancel.CancelAsync();
            return null;
        }
        catch (RpcException ex)
        {
            return ex;
        }
    }
}
