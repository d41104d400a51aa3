using System.Globalization;
using System.Security.Cryptography;

namespace Paygate.Simulators.Alipay;

/// <summary>
/// Sends signed <c>trade_status_sync</c> notifications and resends them on Alipay's published schedule
/// (8 sends over about 25 hours) until the merchant answers with the plain text <c>success</c>.
/// </summary>
public sealed class AlipayNotifier : IDisposable
{
    /// <summary>Delay before each send: the first at once, then 4m, 10m, 10m, 1h, 2h, 6h, 15h.</summary>
    public static readonly IReadOnlyList<TimeSpan> Schedule =
    [
        TimeSpan.Zero, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10),
        TimeSpan.FromHours(1), TimeSpan.FromHours(2), TimeSpan.FromHours(6), TimeSpan.FromHours(15),
    ];

    private static readonly TimeSpan BeijingOffset = TimeSpan.FromHours(8);
    private readonly AlipaySimulator _network;
    private readonly TimeProvider _clock;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly Lock _gate = new();
    private readonly List<PendingNotification> _pending = [];
    private readonly List<NotificationDelivery> _deliveries = [];
    private readonly SemaphoreSlim _sendOne = new(1, 1);

    internal AlipayNotifier(AlipaySimulator network, TimeProvider clock)
    {
        _network = network;
        _clock = clock;
    }

    /// <summary>While true, nothing is sent (notifications queue up): a drill for a slow or lagging notifier.</summary>
    public bool Pause { get; set; }

    /// <summary>Every send so far, for tests and drills.</summary>
    public IReadOnlyList<NotificationDelivery> Deliveries
    {
        get
        {
            lock (_gate)
            {
                return _deliveries.ToArray();
            }
        }
    }

    /// <summary>Notifications not yet acknowledged and not yet given up.</summary>
    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    internal void Enqueue(AlipayOrder order, string? tradeStatus = null)
    {
        var notifyId = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        lock (_gate)
        {
            _pending.Add(new PendingNotification(order, notifyId, _clock.GetUtcNow(), tradeStatus ?? order.TradeStatus));
        }
    }

    /// <summary>Sends every notification that is due now. The host calls this every second; tests call it directly.</summary>
    public async Task DeliverDueAsync(CancellationToken cancellationToken = default)
    {
        if (Pause)
        {
            return;
        }
        await _sendOne.WaitAsync(cancellationToken);
        try
        {
            List<PendingNotification> due;
            lock (_gate)
            {
                var now = _clock.GetUtcNow();
                due = _pending.Where(p => p.NextAt <= now).ToList();
            }
            foreach (var item in due)
            {
                var acknowledged = await SendAsync(item, cancellationToken);
                lock (_gate)
                {
                    item.Sends++;
                    if (acknowledged || item.Sends >= Schedule.Count)
                    {
                        _pending.Remove(item);
                    }
                    else
                    {
                        item.NextAt = _clock.GetUtcNow() + Schedule[item.Sends];
                    }
                }
            }
        }
        finally
        {
            _sendOne.Release();
        }
    }

    private async Task<bool> SendAsync(PendingNotification item, CancellationToken cancellationToken)
    {
        var order = item.Order;
        var now = _clock.GetUtcNow().ToOffset(BeijingOffset);
        var fields = new Dictionary<string, string>
        {
            ["notify_time"] = now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            ["notify_type"] = "trade_status_sync",
            ["notify_id"] = item.NotifyId,
            ["app_id"] = order.AppId,
            ["charset"] = "utf-8",
            ["version"] = "1.0",
            ["sign_type"] = "RSA2",
            ["trade_no"] = order.TradeNo,
            ["out_trade_no"] = order.OutTradeNo,
            ["trade_status"] = item.TradeStatus,
            ["total_amount"] = AlipayMoney.ToYuan(order.TotalFen),
            ["receipt_amount"] = AlipayMoney.ToYuan(order.TotalFen),
            ["subject"] = order.Subject,
            ["gmt_payment"] = (order.PaidAt ?? now).ToOffset(BeijingOffset).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        };
        fields["sign"] = AlipaySimSignature.Sign(AlipaySimSignature.Content(fields, "sign", "sign_type"), _network.PlatformKey);
        string reply;
        int status;
        try
        {
            using var content = new FormUrlEncodedContent(fields);
            using var response = await _http.PostAsync(order.NotifyUrl, content, cancellationToken);
            status = (int)response.StatusCode;
            reply = (await response.Content.ReadAsStringAsync(cancellationToken)).Trim();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            status = 0;
            reply = ex.Message;
        }
        var acknowledged = reply == "success";
        lock (_gate)
        {
            _deliveries.Add(new NotificationDelivery(order.OutTradeNo, item.NotifyId, item.Sends + 1, _clock.GetUtcNow(), status, acknowledged));
        }
        return acknowledged;
    }

    public void Dispose()
    {
        _http.Dispose();
        _sendOne.Dispose();
    }

    private sealed class PendingNotification(AlipayOrder order, string notifyId, DateTimeOffset nextAt, string tradeStatus)
    {
        public string TradeStatus { get; } = tradeStatus;
        public AlipayOrder Order { get; } = order;
        public string NotifyId { get; } = notifyId;
        public DateTimeOffset NextAt { get; set; } = nextAt;
        public int Sends { get; set; }
    }
}

/// <summary>One send of a notification and what the merchant answered.</summary>
/// <param name="OutTradeNo">The order it was about.</param>
/// <param name="NotifyId">The notification's id (the same on every resend).</param>
/// <param name="SendNumber">1 for the first send.</param>
/// <param name="Time">When it was sent.</param>
/// <param name="HttpStatus">The merchant's HTTP status, 0 when unreachable.</param>
/// <param name="Acknowledged">Whether the merchant answered <c>success</c>.</param>
public sealed record NotificationDelivery(string OutTradeNo, string NotifyId, int SendNumber, DateTimeOffset Time, int HttpStatus, bool Acknowledged);
