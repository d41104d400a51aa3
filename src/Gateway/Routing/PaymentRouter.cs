using Microsoft.Extensions.Options;
using Paygate.Adapters.Errors;
using Paygate.Gateway.Fx;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Resilience;

namespace Paygate.Gateway.Routing;

/// <summary>
/// Chooses the channels a payment may go to, in order: capabilities filter first (flow, currency, amount limits),
/// then the payer's preferred channel, the first matching rule's channels, the other channels by default order
/// reordered by recent success rate and latency; channels whose circuit is open are skipped until their break duration has
/// passed (then a payment is the circuit's trial). Refuses before
/// anything is written when none fits. Records why each channel is or is not a candidate.
/// </summary>
public sealed class PaymentRouter(ChannelRegistry channels, IOptionsMonitor<RoutingOptions> options, ChannelHealth health, FxRates? fx = null)
{
    public RoutingDecision Route(CreatePaymentCommand command)
    {
        var rules = options.CurrentValue;
        var considered = new List<RoutingCandidate>();
        var eligible = new List<string>();
        foreach (var channel in channels.All.OrderBy(c => c.Id, StringComparer.Ordinal))
        {
            var refusal = command.FitsFlows(channel.Capabilities.Flows)
                ? FxSettlement.For(channel.Capabilities, command.Amount, fx).Refusal
                : command.Card is not null ? "the channel does not take cards"
                : command.Payer is not null ? "the channel does not take credit transfers from a payer's account"
                : "the channel needs card details or the payer's bank account";
            // Past its break duration an open circuit lets a trial through: the channel stays a candidate, or nothing would close it.
            if (refusal is null && health.Snapshot(channel.Id).Refusing)
            {
                refusal = "circuit open: the channel is failing";
            }
            if (refusal is null)
            {
                eligible.Add(channel.Id);
            }
            else
            {
                considered.Add(new RoutingCandidate(channel.Id, false, refusal));
            }
        }

        if (command.PreferredChannel is { } preferred && channels.Find(preferred) is null)
        {
            throw PaymentException.InvalidField("payment_method.channel", $"unknown channel '{preferred}'; known: {string.Join(", ", channels.All.Select(c => c.Id))}");
        }
        if (command.PreferredChannel is { } chosen && !eligible.Contains(chosen))
        {
            var why = considered.First(c => c.Channel == chosen).Reason;
            throw new PaymentException(ErrorCatalogue.ChannelUnavailableForPayment, $"channel {chosen} cannot take {command.Amount}: {why}",
                metadata: new Dictionary<string, string> { ["channel"] = chosen });
        }
        if (eligible.Count == 0)
        {
            throw new PaymentException(ErrorCatalogue.ChannelUnavailableForPayment,
                $"no channel can take {command.Amount} ({string.Join("; ", considered.Select(c => $"{c.Channel}: {c.Reason}"))})");
        }

        var ordered = new List<(string Channel, string Reason)>();
        void Take(string channel, string reason)
        {
            if (eligible.Contains(channel) && ordered.All(o => o.Channel != channel))
            {
                ordered.Add((channel, reason));
            }
        }
        if (command.PreferredChannel is { } first)
        {
            Take(first, "the payer's chosen channel");
        }
        var rule = rules.Rules.FirstOrDefault(r => r.When.Matches(command));
        foreach (var channel in rule?.Channels ?? [])
        {
            Take(channel, $"rule '{rule!.Name}'");
        }
        var rest = eligible
            .Select(c => (Channel: c, Health: health.Snapshot(c), Default: rules.DefaultOrder.IndexOf(c) is var i and >= 0 ? i : int.MaxValue))
            .OrderByDescending(c => Math.Round(c.Health.SuccessRate, 1))
            .ThenBy(c => c.Default)
            .ThenBy(c => c.Health.LatencyMs);
        foreach (var (channel, snapshot, _) in rest)
        {
            Take(channel, $"backup by default order and health (success {snapshot.SuccessRate:P0}, {snapshot.LatencyMs} ms)");
        }

        considered.InsertRange(0, ordered.Select((o, i) => new RoutingCandidate(o.Channel, true, $"#{i + 1}: {o.Reason}")));
        var reason = command.PreferredChannel is not null ? $"payer chose {command.PreferredChannel}"
            : rule is not null ? $"rule '{rule.Name}' matched"
            : "no rule matched: default order";
        return new RoutingDecision(ordered.Select(o => o.Channel).ToList(), reason, considered);
    }
}
