using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Paygate.Gateway.Observability;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

/// <summary>Metrics scraped from <c>/metrics</c> and the spans of channel calls, through the real gateway.</summary>
public sealed partial class ObservabilityTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private const string Pan = "4242424242424242";
    private GatewayUnderTest Gateway => fixture.Gateway;

    [Fact]
    public async Task Metrics_AfterCardAndAlipayPayments_ScrapeShowsCallsStatesAndGaugesWithoutSecrets()
    {
        var card = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.CardRequest(Pan));
        Assert.Equal(Payment.Types.State.Succeeded, card.State);
        var alipay = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest(8888));
        Assert.Null(fixture.Simulators.Alipay.BuyerPays(alipay.NextAction.QrCode));
        await Gateway.WaitForAsync(alipay.Id, p => p.State == Payment.Types.State.Succeeded);

        using var http = new HttpClient();
        var scrape = "";
        IReadOnlyList<Sample> samples = [];
        // The Alipay notification's counter may land a moment after the payment reads succeeded.
        await GatewayUnderTest.WaitUntilAsync(async () =>
        {
            scrape = await http.GetStringAsync($"{Gateway.HttpBaseUrl}/metrics");
            samples = Parse(scrape);
            return Value(samples, "paygate_payments_by_state_total", ("state", "succeeded"), ("channel", "alipay")) >= 1;
        }, TimeSpan.FromSeconds(10), "the Alipay payment counted as succeeded");

        Assert.True(Value(samples, "paygate_payments_by_state_total", ("state", "succeeded"), ("channel", "card")) >= 1);
        Assert.True(Value(samples, "paygate_payments_by_state_total", ("state", "requires_action"), ("channel", "alipay")) >= 1);
        Assert.True(Value(samples, "paygate_channel_call_duration_seconds_count", ("channel", "card"), ("operation", "create"), ("outcome", "succeeded")) >= 1);
        Assert.True(Value(samples, "paygate_channel_call_duration_seconds_sum", ("channel", "card"), ("operation", "create"), ("outcome", "succeeded")) > 0);
        Assert.True(Value(samples, "paygate_channel_call_duration_seconds_count", ("channel", "alipay"), ("operation", "create"), ("outcome", "requires_action")) >= 1);
        Assert.True(Value(samples, "paygate_channel_outcomes_total", ("channel", "card"), ("outcome", "succeeded"), ("pm_code", "none")) >= 1);
        Assert.Equal(0, Value(samples, "paygate_channel_circuit_state", ("channel", "card")));
        Assert.Equal(0, Value(samples, "paygate_channel_circuit_state", ("channel", "alipay")));
        Assert.True(Value(samples, "paygate_attempts_unknown") >= 0);
        Assert.True(Value(samples, "paygate_webhooks_pending") >= 0);
        Assert.True(Value(samples, "paygate_webhooks_oldest_pending_age_seconds") >= 0);
        Assert.True(Value(samples, "paygate_store_commit_duration_seconds_count", ("store", "sqlite")) >= 2);
        Assert.True(Value(samples, "paygate_store_commit_units_count", ("store", "sqlite")) >= 2);
        Assert.True(Value(samples, "paygate_store_commit_units_sum", ("store", "sqlite")) >= Value(samples, "paygate_store_commit_units_count", ("store", "sqlite")));

        // Labels stay few: no payment or attempt ids among them.
        Assert.DoesNotContain(card.Id, scrape, StringComparison.Ordinal);
        Assert.DoesNotContain(card.Id["pay_".Length..], scrape, StringComparison.Ordinal);
        Assert.DoesNotContain(Pan, scrape, StringComparison.Ordinal);
        Assert.DoesNotContain(Gateway.Credentials.MerchantKey, scrape, StringComparison.Ordinal);
        Assert.DoesNotContain(Gateway.Credentials.OperatorKey, scrape, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChannelCall_CardPayment_SpanCarriesOutcomeAndIsChildOfTheGrpcRequest()
    {
        var recorded = new ConcurrentQueue<Activity>();
        using var tests = new ActivitySource("Paygate.EndToEnd.Tests");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is GatewayTelemetry.Name or "Microsoft.AspNetCore" or "System.Net.Http" or "Paygate.EndToEnd.Tests",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = recorded.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        Payment payment;
        ActivityTraceId trace;
        using (var call = tests.StartActivity("test call", ActivityKind.Client))
        {
            Assert.NotNull(call);
            trace = call.TraceId;
            payment = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.CardRequest(Pan));
        }
        Assert.Equal(Payment.Types.State.Succeeded, payment.State);

        // The test's call -> the gateway's gRPC request span -> the channel call -> the adapter's HTTP request -> the
        // simulated network's request span. Other tests' gateways run in this process too: only this call's trace counts.
        Activity? span = null;
        Activity? request = null;
        await GatewayUnderTest.WaitUntilAsync(() =>
        {
            span = recorded.FirstOrDefault(a => a.TraceId == trace && a.Source.Name == GatewayTelemetry.Name && a.GetTagItem("paygate.channel.operation") as string == "create");
            request = span is null ? null : recorded.FirstOrDefault(a => a.SpanId == span.ParentSpanId);
            return Task.FromResult(request is not null);
        }, TimeSpan.FromSeconds(5), "the channel call's and the gRPC request's spans ended");
        var inTrace = recorded.Where(a => a.TraceId == trace).ToList();
        var trail = string.Join("\n", inTrace.Select(a => $"{a.Source.Name} {a.DisplayName} {a.Kind} {a.SpanId} <- {a.ParentSpanId}"));

        Assert.True(request!.Source.Name == "Microsoft.AspNetCore", trail);
        Assert.Single(inTrace, a => a.Source.Name == GatewayTelemetry.Name);
        // The gRPC request came from the test, not from inside the gateway (e.g. not the simulator's request under the call).
        Assert.DoesNotContain(inTrace, a => a.SpanId == request.ParentSpanId && a.Source.Name is GatewayTelemetry.Name or "Microsoft.AspNetCore");
        var sent = Assert.Single(inTrace, a => a.Source.Name == "System.Net.Http" && a.ParentSpanId == span!.SpanId);
        Assert.Contains(inTrace, a => a.Source.Name == "Microsoft.AspNetCore" && a.ParentSpanId == sent.SpanId);
        Assert.Equal(ActivityKind.Server, request.Kind);
        Assert.Equal("card", span!.GetTagItem("paygate.channel"));
        Assert.Equal("succeeded", span.GetTagItem("paygate.channel.outcome"));
        Assert.Equal("none", span.GetTagItem("paygate.pm_code"));
        Assert.Equal(payment.Attempts[0].ChannelReference, span.GetTagItem("paygate.attempt.reference"));
        Assert.Equal(1, span.GetTagItem("paygate.attempt.number"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
        Assert.All(inTrace.SelectMany(a => a.TagObjects), tag => Assert.DoesNotContain(Pan, Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? "", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Live", null, false)]
    [InlineData("Live", "true", true)]
    [InlineData("Sandbox", "false", false)]
    public async Task Metrics_ByEnvironmentAndSetting_ServedOnlyWhenOn(string environment, string? setting, bool served)
    {
        var data = Directory.CreateTempSubdirectory("paygate-metrics-").FullName;
        try
        {
            await using var gateway = await GatewayUnderTest.StartAsync(fixture.ChannelSettings, data,
                new Dictionary<string, string?> { ["Paygate:Environment"] = environment, ["Observability:Prometheus"] = setting });
            using var http = new HttpClient();
            using var response = await http.GetAsync($"{gateway.HttpBaseUrl}/metrics");

            Assert.Equal(served ? System.Net.HttpStatusCode.OK : System.Net.HttpStatusCode.NotFound, response.StatusCode);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Otlp_EndpointSet_TracesAndMetricsReachTheCollector()
    {
        // A stand-in collector: counts what arrives on OTLP/HTTP's two paths.
        var port = GatewayUnderTest.FreePort();
        var received = new ConcurrentDictionary<string, int>();
        var builder = WebApplication.CreateSlimBuilder();
        // Not the gateway's appsettings.json beside the tests (its Kestrel endpoints would win over the URL).
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        await using var collector = builder.Build();
        collector.MapPost("/v1/{signal}", (string signal) =>
        {
            received.AddOrUpdate(signal, 1, (_, n) => n + 1);
            return Microsoft.AspNetCore.Http.Results.Ok();
        });
        await collector.StartAsync();
        var data = Directory.CreateTempSubdirectory("paygate-otlp-").FullName;
        try
        {
            await using (var gateway = await GatewayUnderTest.StartAsync(fixture.ChannelSettings, data, new Dictionary<string, string?>
            {
                ["Observability:Otlp:Endpoint"] = $"http://127.0.0.1:{port}",
                ["Observability:Otlp:Protocol"] = "HttpProtobuf",
            }))
            {
                Assert.Equal(Payment.Types.State.Succeeded, (await gateway.Payments.CreatePaymentAsync(GatewayUnderTest.CardRequest(Pan))).State);
                // Spans leave in batches (every 5 s); metrics at least when the gateway stops.
                await GatewayUnderTest.WaitUntilAsync(() => Task.FromResult(received.ContainsKey("traces")), TimeSpan.FromSeconds(15), "spans exported");
            }

            // Stopping the gateway flushes the metrics.
            Assert.True(received.GetValueOrDefault("metrics") >= 1, string.Join(", ", received));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    /// <summary>The sum of the samples of <paramref name="name"/> with these labels (other labels free); fails the test when there is none.</summary>
    private static double Value(IReadOnlyList<Sample> samples, string name, params (string Key, string Value)[] labels)
    {
        var matching = samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).ToList();
        Assert.True(matching.Count > 0, $"no sample {name} with {string.Join(", ", labels)}");
        return matching.Sum(s => s.Value);
    }

    /// <summary>Prometheus text format: <c>name{label="value",...} value [timestamp]</c>, comments skipped.</summary>
    private static List<Sample> Parse(string text) =>
        [.. text.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(l => SampleLine().Match(l)).Where(m => m.Success).Select(m => new Sample(
            m.Groups["name"].Value,
            LabelPair().Matches(m.Groups["labels"].Value).ToDictionary(p => p.Groups[1].Value, p => p.Groups[2].Value),
            double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture)))];

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>\S+)""")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();
}
