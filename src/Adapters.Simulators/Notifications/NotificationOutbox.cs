namespace Paygate.Simulators.Notifications;

/// <summary>
/// A network's outgoing notifications: each is sent at once, then resent on the network's published schedule
/// until the merchant acknowledges it or the schedule runs out. Time comes from the simulator's clock, so tests
/// can walk through a day of retries.
/// </summary>
public sealed class NotificationOutbox : IDisposable
{
    private readonly IReadOnlyList<TimeSpan> _schedule;
    private readonly Func<OutgoingNotification, HttpRequestMessage> _build;
    private readonly Func<int, string, bool> _acknowledged;
    private readonly TimeProvider _clock;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly Lock _gate = new();
    private readonly List<OutgoingNotification> _pending = [];
    private readonly List<NotificationDelivery> _deliveries = [];
    private readonly SemaphoreSlim _sendOne = new(1, 1);

    /// <param name="schedule">The delay before each send: the first is normally zero.</param>
    /// <param name="build">Builds the signed HTTP request for one send (a fresh one each time).</param>
    /// <param name="acknowledged">Whether the merchant's reply (status, body) acknowledges the notification.</param>
    /// <param name="clock">The simulator's clock.</param>
    public NotificationOutbox(IReadOnlyList<TimeSpan> schedule, Func<OutgoingNotification, HttpRequestMessage> build, Func<int, string, bool> acknowledged, TimeProvider clock)
    {
        _schedule = schedule;
        _build = build;
        _acknowledged = acknowledged;
        _clock = clock;
    }

    public IReadOnlyList<TimeSpan> Schedule => _schedule;

    /// <summary>While true, nothing is sent (notifications queue up): a drill for a lagging notifier.</summary>
    public bool Pause { get; set; }

    /// <summary>Every send so far.</summary>
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

    /// <summary>Notifications neither acknowledged nor given up.</summary>
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

    public void Enqueue(OutgoingNotification notification)
    {
        lock (_gate)
        {
            notification.NextAt = _clock.GetUtcNow();
            _pending.Add(notification);
        }
    }

    /// <summary>Sends every notification that is due now. The host calls this often; tests call it directly.</summary>
    public async Task DeliverDueAsync(CancellationToken cancellationToken = default)
    {
        if (Pause)
        {
            return;
        }
        await _sendOne.WaitAsync(cancellationToken);
        try
        {
            List<OutgoingNotification> due;
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
                    if (acknowledged || item.Sends >= _schedule.Count)
                    {
                        _pending.Remove(item);
                    }
                    else
                    {
                        item.NextAt = _clock.GetUtcNow() + _schedule[item.Sends];
                    }
                }
            }
        }
        finally
        {
            _sendOne.Release();
        }
    }

    private async Task<bool> SendAsync(OutgoingNotification item, CancellationToken cancellationToken)
    {
        int status;
        string reply;
        SentRequest? sent = null;
        try
        {
            using var request = _build(item);
            sent = await SentRequest.OfAsync(request, cancellationToken);
            using var response = await _http.SendAsync(request, cancellationToken);
            status = (int)response.StatusCode;
            reply = (await response.Content.ReadAsStringAsync(cancellationToken)).Trim();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            status = 0;
            reply = ex.Message;
        }
        var acknowledged = status != 0 && _acknowledged(status, reply);
        lock (_gate)
        {
            _deliveries.Add(new NotificationDelivery(item.OrderNumber, item.NotificationId, item.Sends + 1, _clock.GetUtcNow(), status, acknowledged, sent));
        }
        return acknowledged;
    }

    public void Dispose()
    {
        _http.Dispose();
        _sendOne.Dispose();
    }
}

/// <summary>One notification waiting to be (re)sent.</summary>
/// <param name="OrderNumber">The merchant's order number it is about.</param>
/// <param name="NotificationId">The network's id for it, the same on every resend.</param>
/// <param name="Url">The merchant's notify URL.</param>
/// <param name="Status">The status it reports (captured when it was queued).</param>
/// <param name="Order">The network's order object, for building the payload.</param>
public sealed record OutgoingNotification(string OrderNumber, string NotificationId, string Url, string Status, object Order)
{
    public DateTimeOffset NextAt { get; set; }
    public int Sends { get; set; }
}

/// <summary>One send of a notification and what the merchant answered.</summary>
/// <param name="OutTradeNo">The order it was about.</param>
/// <param name="NotifyId">The notification's id (the same on every resend).</param>
/// <param name="SendNumber">1 for the first send.</param>
/// <param name="Time">When it was sent.</param>
/// <param name="HttpStatus">The merchant's HTTP status, 0 when unreachable.</param>
/// <param name="Acknowledged">Whether the merchant acknowledged it.</param>
/// <param name="Request">What was sent, exactly (for drills and tests that replay or tamper with a genuine notification).</param>
public sealed record NotificationDelivery(string OutTradeNo, string NotifyId, int SendNumber, DateTimeOffset Time, int HttpStatus, bool Acknowledged, SentRequest? Request = null);

/// <summary>A notification request as it went on the wire.</summary>
/// <param name="Url">Where it went.</param>
/// <param name="Headers">Its headers, content headers included.</param>
/// <param name="Body">Its body.</param>
public sealed record SentRequest(string Url, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public static async Task<SentRequest> OfAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var headers = request.Headers.Concat(request.Content?.Headers.AsEnumerable() ?? [])
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        return new SentRequest(request.RequestUri!.ToString(), headers, body);
    }

    /// <summary>The same request again, optionally with another body (the signature headers stay as they were).</summary>
    public HttpRequestMessage ToMessage(string? body = null)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, Url) { Content = new StringContent(body ?? Body) };
        message.Content.Headers.Remove("Content-Type");
        foreach (var (name, value) in Headers.Where(h => !h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)))
        {
            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                message.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }
        return message;
    }
}
