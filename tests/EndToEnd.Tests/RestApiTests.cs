using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

/// <summary>A gateway whose merchant API one browser origin may call.</summary>
public sealed class RestApiFixture : GatewayFixture
{
    public const string AllowedOrigin = "https://checkout.example.com";

    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>
    {
        ["Cors:AllowedOrigins:0"] = AllowedOrigin,
        ["RateLimits:RefusedKeysBurst"] = "1000",
    };
}

/// <summary>
/// The merchant API as REST/JSON (transcoded from the protos' google.api.http rules) and as gRPC-Web, on the HTTP/1.1
/// port, with plain HTTP clients: the same keys, the same errors as a JSON google.rpc.Status, bad input refused by
/// field, CORS only for configured origins, and the OpenAPI document the repository keeps.
/// </summary>
public sealed class RestApiTests(RestApiFixture fixture) : IClassFixture<RestApiFixture>, IDisposable
{
    private static readonly JsonParser StatusParser = new(JsonParser.Settings.Default.WithTypeRegistry(
        TypeRegistry.FromMessages(ErrorInfo.Descriptor, BadRequest.Descriptor, RetryInfo.Descriptor)));

    private readonly HttpClient _http = new() { BaseAddress = new Uri(fixture.Gateway.HttpBaseUrl) };

    private GatewayUnderTest Gateway => fixture.Gateway;

    public void Dispose() => _http.Dispose();

    private HttpRequestMessage Request(HttpMethod method, string path, string? json = null, string? key = null, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        if ((key ?? Gateway.Credentials.MerchantKey) is { Length: > 0 } k)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", k);
        }
        return request;
    }

    private async Task<(HttpStatusCode Http, string Body)> SendAsync(HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await _http.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
    }

    /// <summary>An error answer: its HTTP status, and the google.rpc.Status in the body with its ErrorInfo and BadRequest.</summary>
    private async Task<(HttpStatusCode Http, Google.Rpc.Status Status, ErrorInfo Info, BadRequest? Bad)> ErrorAsync(HttpRequestMessage request)
    {
        var (http, body) = await SendAsync(request);
        Assert.DoesNotContain(" at ", body, StringComparison.Ordinal); // never a stack trace
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        var status = StatusParser.Parse<Google.Rpc.Status>(body);
        var info = status.Details.Select(d => d.TryUnpack<ErrorInfo>(out var i) ? i : null).OfType<ErrorInfo>().Single();
        Assert.Equal("paygate", info.Domain);
        var bad = status.Details.Select(d => d.TryUnpack<BadRequest>(out var b) ? b : null).OfType<BadRequest>().SingleOrDefault();
        return (http, status, info, bad);
    }

    private const string Checkout = """
        {"amountMinor": 8888, "currency": "CNY", "description": "Cloud server, 1 month", "requestId": "REQUEST_ID",
         "customer": {"type": "TYPE_PERSONAL", "country": "CN", "device": "pc"}, "paymentMethod": {"channel": "alipay"},
         "metadata": {"order": "A-1"}}
        """;

    [Fact]
    public async Task CreatePayment_OverRest_IsReadBackOverRestAndGrpc()
    {
        var requestId = Guid.NewGuid().ToString();
        var (http, body) = await SendAsync(Request(HttpMethod.Post, "/v1/payments", Checkout.Replace("REQUEST_ID", requestId, StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.OK, http);
        var created = JsonParser.Default.Parse<Payment>(body);
        Assert.StartsWith("pay_", created.Id, StringComparison.Ordinal);
        Assert.Equal((8888L, "CNY", "A-1"), (created.AmountMinor, created.Currency, created.Metadata["order"]));

        var (readHttp, readBody) = await SendAsync(Request(HttpMethod.Get, $"/v1/payments/{created.Id}"));
        Assert.Equal(HttpStatusCode.OK, readHttp);
        Assert.Equal(created.Id, JsonParser.Default.Parse<Payment>(readBody).Id);
        Assert.Equal(created.Id, (await Gateway.Payments.GetPaymentAsync(new GetPaymentRequest { Id = created.Id })).Id);

        // The same request_id over REST is the same payment (idempotency is the RPC's, unchanged).
        var (_, again) = await SendAsync(Request(HttpMethod.Post, "/v1/payments", Checkout.Replace("REQUEST_ID", requestId, StringComparison.Ordinal)));
        Assert.Equal(created.Id, JsonParser.Default.Parse<Payment>(again).Id);

        var (listHttp, listBody) = await SendAsync(Request(HttpMethod.Get, "/v1/payments?pageSize=100&state=STATE_REQUIRES_ACTION"));
        Assert.Equal(HttpStatusCode.OK, listHttp);
        Assert.Contains(JsonParser.Default.Parse<ListPaymentsResponse>(listBody).Payments, p => p.Id == created.Id);

        // A POST without a body (nothing but the id in the path) is an empty message, not a missing content type.
        var (cancelHttp, cancelBody) = await SendAsync(Request(HttpMethod.Post, $"/v1/payments/{created.Id}:cancel"));
        Assert.Equal(HttpStatusCode.OK, cancelHttp);
        Assert.Equal(Payment.Types.State.Canceled, JsonParser.Default.Parse<Payment>(cancelBody).State);
    }

    [Fact]
    public async Task WatchPayment_OverRest_StreamsOneJsonMessageALine()
    {
        var created = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var request = Request(HttpMethod.Get, $"/v1/payments/{created.Id}:watch");
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));

        var first = JsonParser.Default.Parse<WatchPaymentResponse>(await reader.ReadLineAsync(timeout.Token) ?? "");

        Assert.Equal((created.Id, "payment.snapshot"), (first.Payment.Id, first.EventType));
    }

    [Fact]
    public async Task Errors_OverRest_AreTheJsonStatus_WithErrorInfoAndBadRequest()
    {
        var admin = new AdminService.AdminServiceClient(Gateway.Operator);
        var merchant = await admin.CreateMerchantAsync(new CreateMerchantRequest { Name = "REST other " + Guid.NewGuid().ToString("N")[..6] });
        var otherKey = (await admin.CreateApiKeyAsync(new CreateApiKeyRequest { MerchantId = merchant.Id, Description = "rest test" })).Secret;
        var mine = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest());

        var (http, status, info, _) = await ErrorAsync(Request(HttpMethod.Get, $"/v1/payments/{mine.Id}", key: otherKey));
        Assert.Equal((HttpStatusCode.NotFound, (int)StatusCode.NotFound, "PM-6003"), (http, status.Code, info.Reason));

        (http, status, info, var bad) = await ErrorAsync(Request(HttpMethod.Post, "/v1/payments",
            """{"amountMinor": 0, "currency": "XYZ", "description": "x"}"""));
        Assert.Equal((HttpStatusCode.BadRequest, (int)StatusCode.InvalidArgument, "PM-6001"), (http, status.Code, info.Reason));
        Assert.Equal(["currency", "amount_minor"], bad!.FieldViolations.Select(v => v.Field));
    }

    [Fact]
    public async Task NoKey_OverRest_Is401_WithTheStatus()
    {
        var (http, status, info, _) = await ErrorAsync(Request(HttpMethod.Get, "/v1/payments", key: ""));
        Assert.Equal((HttpStatusCode.Unauthorized, (int)StatusCode.Unauthenticated, "PM-6016"), (http, status.Code, info.Reason));
        Assert.Contains("authorization: Bearer", status.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string, string> BadInputs => new()
    {
        // case, path, body (content type after '|' when not JSON), the field the answer must name
        { "malformed JSON", "/v1/payments", """{"amountMinor": 100, "currency": """, "currency" },
        { "not JSON at all", "/v1/payments", "amount=100", "body" },
        { "wrong type", "/v1/payments", """{"amountMinor": "a lot", "currency": "CNY"}""", "amount_minor" },
        { "wrong enum", "/v1/payments", """{"customer": {"type": "TYPE_ALIEN"}}""", "customer.type" },
        { "object for a string", "/v1/payments", """{"description": {"text": "x"}}""", "description" },
        { "unknown field", "/v1/payments", """{"amountMinor": 100, "amount": 100}""", "amount" },
        { "unknown nested field", "/v1/payments", """{"customer": {"colour": "blue"}}""", "customer.colour" },
        { "bad time", "/v1/payments", """{"expireTime": "tomorrow"}""", "expire_time" },
        { "body over the limit", "/v1/payments", "{\"description\": \"" + new string('a', 70 * 1024) + "\"}", "body" },
        { "wrong content type", "/v1/payments", """{"amountMinor": 100}|text/plain""", "content-type" },
        { "wrong query type", "/v1/payments?pageSize=ten", "", "page_size" },
        { "unknown query parameter", "/v1/payments?colour=blue", "", "colour" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task BadInput_OverRest_Is400_NamingTheField(string name, string path, string body, string field)
    {
        var (json, contentType) = body.Split('|') is [var j, var t] ? (j, t) : (body, "application/json");
        var request = body.Length == 0 ? Request(HttpMethod.Get, path) : Request(HttpMethod.Post, path, json, contentType: contentType);

        var (http, status, info, bad) = await ErrorAsync(request);

        Assert.True(http == HttpStatusCode.BadRequest, $"{name}: {http}");
        Assert.Equal(((int)StatusCode.InvalidArgument, "PM-6001"), (status.Code, info.Reason));
        Assert.Contains(field, bad!.FieldViolations.Select(v => v.Field));
        Assert.All(bad.FieldViolations, v => Assert.False(string.IsNullOrEmpty(v.Description)));
    }

    [Fact]
    public async Task GrpcWeb_OnTheHttp11Port_CallsTheMerchantApi_WithItsErrors()
    {
        using var channel = GrpcChannel.ForAddress(Gateway.HttpBaseUrl, new GrpcChannelOptions
        {
            HttpHandler = new GrpcWebHandler(GrpcWebMode.GrpcWebText, new HttpClientHandler()),
            HttpVersion = HttpVersion.Version11,
            HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        });
        var payments = new PaymentService.PaymentServiceClient(ApiCredentials.WithKey(channel, Gateway.Credentials.MerchantKey));

        var created = await payments.CreatePaymentAsync(GatewayUnderTest.NewRequest());
        Assert.Equal(created.Id, (await payments.GetPaymentAsync(new GetPaymentRequest { Id = created.Id })).Id);
        var (code, info, _) = await RpcErrors.CatchAsync(() => payments.GetPaymentAsync(new GetPaymentRequest { Id = "pay_" + new string('0', 26) }).ResponseAsync);
        Assert.Equal((StatusCode.NotFound, "PM-6003"), (code, info.Reason));
    }

    [Fact]
    public async Task Cors_AnswersOnlyTheConfiguredOrigins_AndExposesTheGrpcStatus()
    {
        async Task<HttpResponseMessage> PreflightAsync(string origin, string path)
        {
            var request = new HttpRequestMessage(HttpMethod.Options, path);
            request.Headers.Add("Origin", origin);
            request.Headers.Add("Access-Control-Request-Method", "POST");
            request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type,x-grpc-web");
            return await _http.SendAsync(request);
        }

        foreach (var path in new[] { "/v1/payments", "/paygate.v1.PaymentService/CreatePayment", "/paygate.v1.WebhookService/ListWebhookEndpoints" })
        {
            using var stranger = await PreflightAsync("https://evil.example.com", path);
            Assert.False(stranger.Headers.Contains("Access-Control-Allow-Origin"), path);
            using var allowed = await PreflightAsync(RestApiFixture.AllowedOrigin, path);
            Assert.Equal(RestApiFixture.AllowedOrigin, allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        }

        using var call = Request(HttpMethod.Get, "/v1/payments");
        call.Headers.Add("Origin", RestApiFixture.AllowedOrigin);
        using var response = await _http.SendAsync(call);
        Assert.Equal(RestApiFixture.AllowedOrigin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var exposed = string.Join(",", response.Headers.GetValues("Access-Control-Expose-Headers")).Split(',').Select(h => h.Trim());
        Assert.Subset(exposed.ToHashSet(StringComparer.OrdinalIgnoreCase), new HashSet<string>(["grpc-status", "grpc-message", "grpc-status-details-bin"], StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task OpenApiDocument_IsServed_AndIsTheOneInTheRepository()
    {
        var served = await _http.GetStringAsync("/openapi.json");
        Assert.Contains("\"/v1/payments/{id}:refund\"", served, StringComparison.Ordinal);
        Assert.Contains("\"/v1/webhook-endpoints\"", served, StringComparison.Ordinal);
        var path = DocPath();
        // PAYGATE_WRITE_DOCS=1 rewrites it after a change to the protos (as docs/error-codes.md).
        if (Environment.GetEnvironmentVariable("PAYGATE_WRITE_DOCS") == "1")
        {
            await File.WriteAllTextAsync(path, served);
        }
        Assert.True(served == (await File.ReadAllTextAsync(path)).ReplaceLineEndings("\n"),
            "docs/openapi.json differs from the document the gateway serves: regenerate it with PAYGATE_WRITE_DOCS=1 dotnet test tests/EndToEnd.Tests --filter OpenApiDocument");
    }

    private static string DocPath()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Gateway.sln")))
        {
            dir = dir.Parent;
        }
        return Path.Combine(dir?.FullName ?? throw new DirectoryNotFoundException("repository root not found"), "docs", "openapi.json");
    }
}

/// <summary>A gateway with no CORS settings: no origin may call it from a browser.</summary>
public sealed class RestApiClosedCorsTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    [Fact]
    public async Task Cors_IsClosed_WithoutAllowedOrigins()
    {
        using var http = new HttpClient { BaseAddress = new Uri(fixture.Gateway.HttpBaseUrl) };
        using var request = new HttpRequestMessage(HttpMethod.Options, "/v1/payments");
        request.Headers.Add("Origin", RestApiFixture.AllowedOrigin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        using var response = await http.SendAsync(request);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
