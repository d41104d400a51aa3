using System.Collections.Concurrent;
using Paygate.Adapters.Contract;

namespace Paygate.Gateway.Payments;

/// <summary>
/// Card details of attempts the gateway's own limits held back before anything reached the network, kept in memory only
/// (never stored: the database keeps brand, last four and expiry) until the recovery worker sends the attempt, or until
/// its payment expires. Without them a held-back card attempt could only end "no such order": a payment failed by the
/// gateway's own limit. A restart loses them, and then that is still what happens.
/// </summary>
internal sealed class HeldCards(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, (PaymentCard Card, DateTimeOffset Until)> _cards = new(StringComparer.Ordinal);

    public void Hold(string attemptReference, PaymentCard card, DateTimeOffset until)
    {
        var now = clock.GetUtcNow();
        foreach (var (reference, held) in _cards)
        {
            if (held.Until <= now)
            {
                _cards.TryRemove(reference, out _);
            }
        }
        _cards[attemptReference] = (card, until);
    }

    /// <summary>The held card of the attempt, once: it is sent with the next call and not kept after it.</summary>
    public PaymentCard? Take(string attemptReference) =>
        _cards.TryRemove(attemptReference, out var held) && held.Until > clock.GetUtcNow() ? held.Card : null;
}
