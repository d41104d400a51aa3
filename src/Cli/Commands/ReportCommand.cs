using System.CommandLine;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Paygate.Cli.Failures;
using Paygate.Client.Errors;
using Paygate.V1;
using Spectre.Console;

namespace Paygate.Cli.Commands;

/// <summary>
/// <c>paygate report health</c>. The gateway has no health-report call of its own, so this is built from what it does serve: the
/// standard <c>grpc.health.v1.Health/Check</c> (no key; the gateway's store check behind it) and, with the operator key, every
/// channel's circuit, recent success rate and latency from <c>ChannelService.ListChannels</c>. The verdict: <c>healthy</c> (serving,
/// every circuit closed), <c>degraded</c> (serving, some circuit not closed), <c>down</c> (not serving, or every circuit open; exit 9).
/// </summary>
public static class ReportCommand
{
    private const string Sources = "grpc.health.v1.Health/Check + paygate.v1.ChannelService/ListChannels";

    public static Command Create(CommandContextFactory commands)
    {
        var health = new Command("health",
            "The gateway's health, built from grpc.health.v1 Check (no key) and the channels' circuits and recent success from ListChannels "
            + "(operator key; skipped without one). The gateway has no health-report call of its own: this is the equivalent from what it serves. "
            + "Verdict healthy, degraded (a circuit not closed) or down (not serving or every circuit open: exit 9).");
        commands.SetAction(health, async (context, ct) =>
        {
            var serving = await CheckAsync(context.Address, ct);
            var channels = context.HasOperatorKey ? (await context.Channels.ListChannelsAsync(ct)).Channels.ToList() : null;
            var verdict = Verdict(serving, channels);
            if (context.Output.Json)
            {
                var json = new JsonObject
                {
                    ["sources"] = Sources,
                    ["gateway"] = Serving(serving),
                    ["verdict"] = verdict,
                    ["channels"] = channels is null ? null : JsonNode.Parse(JsonFormatter.Default.Format(new ListChannelsResponse { Channels = { channels } }))!["channels"]?.DeepClone() ?? new JsonArray(),
                };
                context.Output.WriteJsonText(json.ToJsonString());
            }
            else
            {
                var colour = verdict switch { "healthy" => "green", "degraded" => "yellow", _ => "red" };
                context.Output.WriteMarkupLine($"gateway [bold]{Markup.Escape(context.Address.ToString())}[/]: {Markup.Escape(Serving(serving))}, verdict [{colour}]{verdict}[/]");
                if (channels is null)
                {
                    context.Output.WriteLine("channels: not read (ListChannels is for operators: give --operator-key or PAYGATE_OPERATOR_KEY)");
                }
                else
                {
                    context.Output.Write(ChannelsCommand.Table(channels));
                }
                context.Output.WriteLine($"from {Sources} (the gateway has no health-report call of its own)");
            }
            return verdict == "down" ? ExitCodes.Unavailable : ExitCodes.Ok;
        });
        return new Command("report", "Reports built from the gateway's own calls.") { health, PaymentHealthCommand.Create(commands), BillCommand.Create(commands) };
    }

    private static string Verdict(HealthCheckResponse.Types.ServingStatus serving, List<Channel>? channels) =>
        serving != HealthCheckResponse.Types.ServingStatus.Serving ? "down"
        : channels is null || channels.All(c => c.CircuitState == "CLOSED") ? "healthy"
        : channels.Count > 0 && channels.All(c => c.CircuitState == "OPEN") ? "down"
        : "degraded";

    private static string Serving(HealthCheckResponse.Types.ServingStatus status) => status switch
    {
        HealthCheckResponse.Types.ServingStatus.Serving => "SERVING",
        HealthCheckResponse.Types.ServingStatus.NotServing => "NOT_SERVING",
        HealthCheckResponse.Types.ServingStatus.ServiceUnknown => "SERVICE_UNKNOWN",
        _ => "UNKNOWN",
    };

    /// <summary>The health service's answer for the whole server (service ""); a gateway that cannot be reached is thrown as the client would.</summary>
    private static async Task<HealthCheckResponse.Types.ServingStatus> CheckAsync(Uri address, CancellationToken cancellationToken)
    {
        using var channel = GrpcChannel.ForAddress(address);
        try
        {
            var response = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: cancellationToken);
            return response.Status;
        }
        catch (RpcException failure) when (failure.StatusCode != StatusCode.Cancelled)
        {
            throw new ServiceUnavailableException(new PaygateError(failure.StatusCode is StatusCode.DeadlineExceeded ? StatusCode.Unavailable : failure.StatusCode,
                "", failure.Status.Detail, "", new Dictionary<string, string>(), [], null));
        }
    }
}
