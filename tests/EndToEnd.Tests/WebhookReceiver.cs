using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

/// <summary>
/// A merchant's webhook endpoint on a loopback port: checks each POST's signature by the documented rule (its own
/// HMAC, not the gateway's code) and records it; a test decides what it answers.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<Received> _received = [];

    /// <summary>The status to answer for a POST; 200 unless a test says otherwise.</summary>
    public Func<Received, int> Answer { get; set; } = _ => 200;

    /// <summary>The signing secret the gateway gave when the endpoint was registered.</summary>
    public string Secret { get; set; } = "";

    public string Url { get; }

    private WebhookReceiver(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public IReadOnlyList<Received> All
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>Every event acknowledged (answered 2xx), in the order they were acknowledged.</summary>
    public IReadOnlyList<Received> Acknowledged => All.Where(r => r.Status is >= 200 and < 300).ToList();

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        // Not the gateway's appsettings.json that sits in the test folder: a port of its own.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Kestrel:Endpoints:Http:Url"] = "http://127.0.0.1:0" });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        WebhookReceiver? self = null;
        app.MapPost("/hooks/paygate", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var evt = JsonParser.Default.Parse<Event>(body);
            var received = new Received(evt, context.Request.Headers["Paygate-Event-Id"].ToString(),
                SignatureValid(self!.Secret, context.Request.Headers["Paygate-Signature"].ToString(), body),
                int.Parse(context.Request.Headers["Paygate-Delivery-Attempt"].ToString(), CultureInfo.InvariantCulture), 0);
            received = received with { Status = self.Answer(received) };
            lock (self._received)
            {
                self._received.Add(received);
            }
            return Results.StatusCode(received.Status);
        });
        await app.StartAsync();
        self = new WebhookReceiver(app, app.Urls.Single() + "/hooks/paygate");
        return self;
    }

    /// <summary>Polls until <paramref name="condition"/> holds, or fails the test.</summary>
    public async Task WaitUntilAsync(Func<WebhookReceiver, bool> condition, int timeoutSeconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!condition(this))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the receiver saw {All.Count} posts ({Acknowledged.Count} acknowledged): not what the test waited for");
            }
            await Task.Delay(100);
        }
    }

    private static bool SignatureValid(string secret, string header, string body)
    {
        var parts = header.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(parts["t"] + "." + body));
        var fresh = Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - long.Parse(parts["t"], CultureInfo.InvariantCulture)) < 300;
        return fresh && Convert.ToHexStringLower(mac) == parts["v1"];
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>One POST as the endpoint saw it.</summary>
    public sealed record Received(Event Event, string EventIdHeader, bool SignatureValid, int Attempt, int Status);
}
