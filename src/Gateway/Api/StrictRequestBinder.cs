using System.Reflection;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace Paygate.Gateway.Api;

/// <summary>
/// Receives each method from a generated <c>BindService(binder, null)</c> and adds it to grpc-dotnet's model with
/// its request marshaller guarded, invoking the service's override of the generated handler, with the endpoint
/// metadata grpc-dotnet's own binder gives it (the service's and the handler's attributes, POST only).
/// </summary>
internal sealed class StrictRequestBinder<TService>(ServiceMethodProviderContext<TService> context, Type serviceBase, MalformedRequests malformed)
    : ServiceBinderBase
    where TService : class
{
    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
    {
        var (invoker, metadata) = Handler<UnaryServerMethod<TService, TRequest, TResponse>>(method.Name, [typeof(TRequest), typeof(ServerCallContext)]);
        context.AddUnaryMethod(Guarded(method), metadata, invoker);
    }

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler)
    {
        var (invoker, metadata) = Handler<ServerStreamingServerMethod<TService, TRequest, TResponse>>(method.Name,
            [typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext)]);
        context.AddServerStreamingMethod(Guarded(method), metadata, invoker);
    }

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler)
    {
        var (invoker, metadata) = Handler<ClientStreamingServerMethod<TService, TRequest, TResponse>>(method.Name,
            [typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext)]);
        context.AddClientStreamingMethod(Guarded(method), metadata, invoker);
    }

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler)
    {
        var (invoker, metadata) = Handler<DuplexStreamingServerMethod<TService, TRequest, TResponse>>(method.Name,
            [typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext)]);
        context.AddDuplexStreamingMethod(Guarded(method), metadata, invoker);
    }

    private Method<TRequest, TResponse> Guarded<TRequest, TResponse>(Method<TRequest, TResponse> method) =>
        new(method.Type, method.ServiceName, method.Name, malformed.Guard(method.RequestMarshaller, method.FullName), method.ResponseMarshaller);

    private (TDelegate Invoker, List<object> Metadata) Handler<TDelegate>(string name, Type[] parameters)
        where TDelegate : Delegate
    {
        // The service's override of the generated virtual handler (or the generated one, which answers UNIMPLEMENTED).
        var handler = typeof(TService).GetMethod(name, BindingFlags.Public | BindingFlags.Instance, parameters);
        if (handler is null || !handler.IsVirtual || handler.GetBaseDefinition().DeclaringType != serviceBase)
        {
            throw new InvalidOperationException($"{typeof(TService)} has no override of {serviceBase}.{name}");
        }
        var metadata = new List<object>();
        metadata.AddRange(typeof(TService).GetCustomAttributes(inherit: true));
        metadata.AddRange(handler.GetCustomAttributes(inherit: true));
        metadata.Add(new HttpMethodMetadata(["POST"], acceptCorsPreflight: true));
        return (handler.CreateDelegate<TDelegate>(), metadata);
    }
}
