namespace Paygate.Adapters.Contract;

/// <summary>
/// A channel whose network may ask the payer for strong customer authentication (3-D Secure) before it authorises:
/// the first call answers <see cref="ChannelOutcome.RequiresAction"/> with the network's challenge page, the network
/// keeps the card meanwhile, and once the payer has passed (a result carrying <see cref="ChannelResult.AuthenticationId"/>)
/// the authorisation is sent again with the authentication's result.
/// </summary>
public interface IPayerAuthenticationChannel
{
    /// <summary>
    /// Authorises the order with the payer's completed authentication. Idempotent at the network under a key derived
    /// from the order's reference, so resending it never charges twice.
    /// </summary>
    Task<ChannelResult> AuthorizeAuthenticatedAsync(ChannelOrder order, string authenticationId, CancellationToken cancellationToken);
}
