namespace Paygate.Gateway.Routing;

/// <summary>Why a payment went where it went.</summary>
/// <param name="Candidates">The channels, in the order they are tried.</param>
/// <param name="Reason">A human-readable account.</param>
/// <param name="Considered">Every channel and why it is, or is not, a candidate.</param>
public sealed record RoutingDecision(IReadOnlyList<string> Candidates, string Reason, IReadOnlyList<RoutingCandidate>? Considered = null);

/// <summary>One channel as routing saw it.</summary>
/// <param name="Channel">The channel id.</param>
/// <param name="Eligible">Whether it is a candidate.</param>
/// <param name="Reason">Its place and why, or why it was left out.</param>
public sealed record RoutingCandidate(string Channel, bool Eligible, string Reason);
