using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Rpc;
using Grpc.AspNetCore.Server;
using Microsoft.OpenApi.Models;

namespace Paygate.Gateway.Api;

/// <summary>
/// The merchant API for clients that do not speak gRPC over HTTP/2: REST/JSON (gRPC JSON transcoding of the
/// <c>google.api.http</c> rules in the protos), its OpenAPI document at <c>/openapi.json</c>, and gRPC-Web for
/// browsers, with CORS closed unless <c>Cors:AllowedOrigins</c> lists origins. The transcoded calls run the same
/// handlers behind the same interceptors (the API key in <c>authorization: Bearer ...</c>, the errors as a
/// <c>google.rpc.Status</c>), on any port; HTTP/1.1 clients use the HTTP/1.1 endpoint (the notifications port).
/// </summary>
public static class RestApi
{
    /// <summary>The origins (e.g. <c>https://checkout.example.com</c>) whose pages may call the merchant API; none by default.</summary>
    public const string AllowedOriginsSetting = "Cors:AllowedOrigins";

    private const string CorsPolicy = "merchant-browsers";
    /// <summary>The OpenAPI document's name: it is served at <c>/openapi.json</c>.</summary>
    private const string DocumentName = "openapi";
    private const string SecurityScheme = "merchantKey";

    /// <summary>Response headers a browser's script may read: the gRPC status and its details.</summary>
    private static readonly string[] ExposedHeaders = ["grpc-status", "grpc-message", "grpc-status-details-bin"];

    /// <summary>The detail messages an error status carries (the transcoder cannot write an <c>Any</c> of a type it does not know).</summary>
    private static readonly TypeRegistry StatusDetails = TypeRegistry.FromMessages(ErrorInfo.Descriptor, BadRequest.Descriptor, RetryInfo.Descriptor);

    /// <summary>Writes a <c>google.rpc.Status</c> as the transcoder does.</summary>
    internal static readonly JsonFormatter StatusFormatter = new(JsonFormatter.Settings.Default.WithTypeRegistry(StatusDetails));

    /// <summary>JSON transcoding, the OpenAPI generator, gRPC-Web and the CORS policy. Call it after <c>AddGrpc</c>.</summary>
    public static IServiceCollection AddPaygateRest(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddGrpc().AddJsonTranscoding(o => o.TypeRegistry = StatusDetails);
        // Refused calls are logged by the transcoder at Information with a stack trace; the status says what was wrong.
        services.AddLogging(logging => logging.AddFilter("Grpc.AspNetCore.Grpc.JsonTranscoding.ServerCallHandler", LogLevel.Warning));
        services.AddGrpcSwagger();
        services.AddSwaggerGen(o =>
        {
            // Nested proto types (Payment.State, Attempt.State) by their proto names, not the C# type's short name.
            o.CustomSchemaIds(SchemaId);
            o.AddSecurityDefinition(SecurityScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "A merchant's API key (sk_test_... in the sandbox, sk_live_...).",
            });
            o.AddSecurityRequirement(new OpenApiSecurityRequirement
            {
                [new OpenApiSecurityScheme { Reference = new OpenApiReference { Type = ReferenceType.SecurityScheme, Id = SecurityScheme } }] = [],
            });
            o.SwaggerDoc(DocumentName, new OpenApiInfo
            {
                Title = "Paygate merchant API",
                Version = "v1",
                Description = "REST/JSON face of paygate.v1.PaymentService, WebhookService and GroupService (gRPC JSON transcoding). "
                + "Every call carries a merchant key: `authorization: Bearer sk_...`. Errors are a JSON google.rpc.Status "
                + "whose details carry an ErrorInfo (reason = PM-NNNN code), a BadRequest for invalid fields and a RetryInfo when retrying may help.",
            });
        });
        var origins = configuration.GetSection(AllowedOriginsSetting).Get<string[]>() ?? [];
        services.AddCors(o => o.AddPolicy(CorsPolicy, policy => policy
            .WithOrigins([.. origins.Where(x => !string.IsNullOrWhiteSpace(x))])
            .AllowAnyHeader()
            .WithMethods("GET", "POST", "DELETE")
            .WithExposedHeaders(ExposedHeaders)));
        return services;
    }

    private static string SchemaId(Type type)
    {
        var name = (type.FullName ?? type.Name).Replace("+Types+", ".", StringComparison.Ordinal).Replace('+', '.');
        return name.StartsWith("Paygate.V1.", StringComparison.Ordinal) ? name["Paygate.V1.".Length..] : name;
    }

    /// <summary>The middleware for browsers (CORS, gRPC-Web) and the OpenAPI document; call it before the services are mapped.</summary>
    public static WebApplication UsePaygateRest(this WebApplication app)
    {
        app.UseCors();
        app.UseGrpcWeb();
        app.UseMiddleware<RestRequestGuard>();
        app.MapSwagger("/{documentName}.json");
        return app;
    }

    /// <summary>A merchant service's gRPC, transcoded and gRPC-Web endpoints, callable from the configured origins.</summary>
    public static GrpcServiceEndpointConventionBuilder ForBrowsers(this GrpcServiceEndpointConventionBuilder endpoints)
    {
        endpoints.EnableGrpcWeb().RequireCors(CorsPolicy);
        return endpoints;
    }
}
