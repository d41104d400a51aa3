using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Storage.Postgres;

/// <summary>
/// Listens for the relay's <c>NOTIFY paygate_events</c> (sent by whichever instance relayed the change) and wakes this
/// instance's watchers of those payments: <c>WatchPayment</c>, <c>StreamEvents</c> and the webhook dispatcher. After a lost
/// connection it wakes everyone (notifications sent meanwhile are gone) and listens again.
/// </summary>
public sealed class PostgresChangeListener(PostgresDatabase database, PaymentSignals signals, ILogger<PostgresChangeListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await database.OpenUnpooledAsync(stoppingToken);
                connection.Notification += (_, e) => Wake(e.Payload);
                await PostgresDatabase.ExecuteAsync(connection, null, $"LISTEN {PostgresEventRelay.Channel}", stoppingToken);
                signals.ChangedAll();
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("Listening for other instances' changes failed: {Error}; listening again in a second", ex.Message);
                signals.ChangedAll();
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    private void Wake(string payload)
    {
        if (payload == "*")
        {
            signals.ChangedAll();
            return;
        }
        foreach (var paymentId in payload.Split(','))
        {
            signals.Changed(paymentId);
        }
    }
}
