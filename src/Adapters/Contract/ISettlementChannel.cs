namespace Paygate.Adapters.Contract;

/// <summary>
/// A channel whose network publishes a daily settlement file (Alipay's trade bill, WeChat Pay's trade bill, UnionPay's
/// settlement file, a card acquirer's settlement report): what the network itself says it collected and gave back that
/// day. The gateway matches it line by line against its payments and refunds (<c>src/Gateway/Settlement</c>).
/// </summary>
public interface ISettlementChannel
{
    /// <summary>The offset from UTC of the network's business day (Beijing, +8, for the Chinese networks).</summary>
    TimeSpan SettlementDayOffset { get; }

    /// <summary>
    /// Fetches (over the channel's signed API, verified as its other calls are) and reads the settlement file of
    /// <paramref name="date"/> (the network's own business day). Throws <see cref="SettlementFetchException"/> when it
    /// could not be had (try again later) and <see cref="SettlementFormatException"/> when it does not parse: a file is
    /// read whole or not at all.
    /// </summary>
    Task<SettlementFile> FetchSettlementAsync(DateOnly date, CancellationToken cancellationToken);
}
