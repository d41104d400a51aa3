using Paygate.Adapters.Contract;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Routing;

namespace Paygate.Gateway.Checkout;

/// <summary>A way the payer may pay on the checkout page.</summary>
/// <param name="Channel">The channel id.</param>
/// <param name="Reason">Routing's reason for its place (as <c>RecommendChannels</c> gives it).</param>
/// <param name="Recommended">Whether it is the first choice.</param>
public sealed record ChannelOption(string Channel, string Reason, bool Recommended);

/// <summary>
/// The channels a payment may use now, recommended first: the routing the <c>RecommendChannels</c> RPC previews, asked
/// for the payment's amount and customer, once for the payer-facing flows (QR code, redirect, transfer) and once for a
/// card (which the page's card form supplies).
/// </summary>
public sealed class CheckoutChannels(PaymentRouter router, ChannelRegistry channels)
{
    public const string Card = "card";

    /// <summary>A stand-in card for the preview: routing looks at the flow, never at the number.</summary>
    private static readonly PaymentCard PreviewCard = new(null, 12, 2099, null, "checkout-preview");

    public IReadOnlyList<ChannelOption> For(Payment payment)
    {
        var options = new List<ChannelOption>();
        void Add(PaymentCard? card)
        {
            RoutingDecision decision;
            try
            {
                decision = router.Route(new CreatePaymentCommand(null, payment.Amount, payment.Description, payment.Customer, null, payment.ExpireTime, payment.Metadata, card));
            }
            catch (PaymentException)
            {
                return; // no channel takes this flow for this payment
            }
            foreach (var channel in decision.Candidates.Where(c => options.All(o => o.Channel != c)))
            {
                var reason = decision.Considered?.FirstOrDefault(c => c.Channel == channel)?.Reason ?? decision.Reason;
                options.Add(new ChannelOption(channel, reason, options.Count == 0));
            }
        }
        Add(null);
        if (channels.Find(Card) is not null)
        {
            Add(PreviewCard);
        }
        return options;
    }
}
