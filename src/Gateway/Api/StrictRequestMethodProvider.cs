using System.Reflection;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace Paygate.Gateway.Api;

/// <summary>
/// Binds each gRPC service's methods as grpc-dotnet's own binder does (the generated <c>BindService</c>), but with
/// request marshallers guarded by <see cref="MalformedRequests"/>: the request is parsed before any interceptor runs,
/// so this is the only place where a malformed message can be answered as the caller's error.
/// It replaces grpc-dotnet's default provider (see <c>GatewayServiceCollectionExtensions</c>) for every service.
/// </summary>
internal sealed class StrictRequestMethodProvider<TService>(MalformedRequests malformed) : IServiceMethodProvider<TService>
    where TService : class
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        for (var type = typeof(TService); type is not null; type = type.BaseType)
        {
            if (type.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false) is not { } bind)
            {
                continue;
            }
            var bindService = bind.BindType.GetMethod(bind.BindMethodName, BindingFlags.Public | BindingFlags.Static, [typeof(ServiceBinderBase), type])
                ?? throw new InvalidOperationException($"{bind.BindType} has no {bind.BindMethodName}(ServiceBinderBase, {type.Name})");
            bindService.Invoke(null, [new StrictRequestBinder<TService>(context, type, malformed), null]);
            return;
        }
        throw new InvalidOperationException($"{typeof(TService)} does not derive from a generated gRPC service base ([BindServiceMethod])");
    }
}
