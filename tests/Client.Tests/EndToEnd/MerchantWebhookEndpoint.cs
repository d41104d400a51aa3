extern alias client;

using System.Collections.Concurrent;
using System.Text;
using client::Paygate.Client.Webhooks;
using client::Paygate.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Paygate.Client.Tests.EndToEnd;

/// <summary>
/// A merchant's webhook endpoint on a loopback port, written as the client's README tells a merchant to: every POST is checked with
/// <see cref="WebhookVerifier"/> and answered 200 when it verifies, 400 when it does not.
/// </summary>
public sealed class MerchantWebhookEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;

    private MerchantWebhookEndpoint(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    /// <summary>The verifier made with the secret the gateway returned when the endpoint was registered.</summary>
    public WebhookVerifier? Verifier { get; set; }

    /// <summary>Every POST: the raw signature header and body, and the event (when it verified) or why it did not.</summary>
    public ConcurrentQueue<Delivery> Deliveries { get; } = new();

    public static async Task<MerchantWebhookEndpoint> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Kestrel:Endpoints:Http:Url"] = "http://127.0.0.1:0" });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        MerchantWebhookEndpoint? self = null;
        app.MapPost("/hooks/paygate", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var header = context.Request.Headers[WebhookHeaders.Signature].ToString();
            try
            {
                var evt = self!.Verifier!.ParseEvent(header, body);
                self.Deliveries.Enqueue(new Delivery(header, body, evt, null));
                return Results.Ok();
            }
            catch (WebhookSignatureException refused)
            {
                self!.Deliveries.Enqueue(new Delivery(header, body, null, refused.Failure));
                return Results.BadRequest(refused.Message);
            }
        });
        await app.StartAsync();
        self = new MerchantWebhookEndpoint(app, app.Urls.Single() + "/hooks/paygate");
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>One POST as the endpoint saw it.</summary>
    public sealed record Delivery(string SignatureHeader, string Body, Event? Event, WebhookSignatureFailure? Failure);
}
