using Grpc.Core;
using Paygate.Cli.Drills.Figures;
using Paygate.Cli.Drills.Scenarios;
using Paygate.Cli.Drills.Simulators;
using Paygate.Client;
using Paygate.Client.Errors;
using Paygate.V1;

namespace Paygate.Cli.Drills.Running;

/// <summary>
/// Runs one drill: checks that the gateway and the simulators answer, drives the payments through the gateway's API while the
/// phases set their faults and the payer pays what is shown, then stops every fault, replays the creates whose answer was lost
/// (same request_id), waits (bounded) for the payments to settle, reads each back and checks the networks' ledgers.
/// </summary>
public sealed class DrillRunner(PaygateClient gateway, SimulatorsClient simulators, IDrillProgress progress, TimeProvider clock)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    public async Task<DrillFigures> RunAsync(Scenario scenario, int count, CancellationToken cancellationToken)
    {
        await simulators.CheckReachableAsync(cancellationToken);
        // The first call to the gateway: an unreachable gateway or a refused key ends the drill here, in one line.
        await gateway.Payments.ListAsync(new ListPaymentsRequest { PageSize = 1 }, cancellationToken);
        await simulators.ClearAllFaultsAsync(cancellationToken);

        var payments = PaymentRequests.Draw(scenario, count);
        var payer = new Payer(simulators);
        var startedAt = clock.GetUtcNow();
        var start = clock.GetTimestamp();
        var schedule = new FaultSchedule(scenario.Phases, simulators, progress, clock);
        using var stopPhases = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var phases = schedule.RunAsync(start, stopPhases.Token);
        double createSeconds;
        try
        {
            progress.PaymentsStarted(payments.Count);
            var (done, refused) = (0, 0);
            await Parallel.ForEachAsync(payments, new ParallelOptions { MaxDegreeOfParallelism = scenario.Concurrency, CancellationToken = cancellationToken },
                async (payment, ct) =>
                {
                    if (scenario.Rate is { } rate && TimeSpan.FromSeconds(payment.Index / rate) - clock.GetElapsedTime(start) is { } early && early > TimeSpan.Zero)
                    {
                        await Task.Delay(early, clock, ct);
                    }
                    payment.Started = clock.GetElapsedTime(start);
                    var created = await CreateAsync(payment, ct);
                    payment.Latency = clock.GetElapsedTime(start) - payment.Started;
                    if (created is not null)
                    {
                        await PayAsync(payer, payment, created, ct);
                    }
                    var refusedNow = payment.Id is null ? Interlocked.Increment(ref refused) : Volatile.Read(ref refused);
                    progress.PaymentDone(Interlocked.Increment(ref done), refusedNow);
                });
            createSeconds = clock.GetElapsedTime(start).TotalSeconds;

            await stopPhases.CancelAsync();
            try
            {
                await phases;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
        }
        finally
        {
            // Whatever ended the payments (Ctrl+C, a gateway gone), the networks must not stay broken for the next person.
            await simulators.ClearAllFaultsAsync(CancellationToken.None);
        }
        schedule.EndAll(clock.GetElapsedTime(start).TotalSeconds);
        progress.Note($"t={clock.GetElapsedTime(start).TotalSeconds:F0}s every fault stopped; waiting up to {scenario.RecoverySeconds} s for recovery");

        await ReplayUnknownAsync(payer, payments, cancellationToken);
        await WaitForRecoveryAsync(payer, payments, TimeSpan.FromSeconds(scenario.RecoverySeconds), cancellationToken);
        await ReadBackAsync(payments, cancellationToken);
        var ledgers = new List<LedgerEntry>();
        foreach (var network in ScenarioRules.Networks)
        {
            ledgers.AddRange(await simulators.LedgerAsync(network, cancellationToken));
        }
        return DrillFigureBuilder.Build(scenario, payments, schedule.Applied, ledgers, startedAt, createSeconds, clock.GetElapsedTime(start).TotalSeconds);
    }

    private async Task<Payment?> CreateAsync(DrillPayment payment, CancellationToken cancellationToken)
    {
        try
        {
            var created = await gateway.Payments.CreateAsync(payment.Request, cancellationToken);
            payment.Id = created.Id;
            return created;
        }
        catch (PaymentFailedException e) when (e.Payment is { } failed)
        {
            payment.Id = failed.Id;
            return failed;
        }
        catch (PaygateException e) when (e is not AuthenticationException)
        {
            payment.RefusedWith = e.Code.Length > 0 ? e.Code : e.StatusCode.ToString().ToUpperInvariant();
            // A refusal that says what happened (bad request, payer, risk) made no payment; anything else may have.
            payment.OutcomeUnknown = e is not (InvalidRequestException or PaymentFailedException or ConflictException);
            return null;
        }
    }

    private static async Task PayAsync(Payer payer, DrillPayment payment, Payment created, CancellationToken cancellationToken)
    {
        try
        {
            var (paid, bankEntry) = await payer.PayAsync(created, cancellationToken);
            payment.Paid = paid;
            if (bankEntry is not null)
            {
                (payment.BankEntry, payment.BankEntryFor) = (bankEntry, created.Attempts[^1].ChannelReference);
            }
        }
        catch (HttpRequestException)
        {
            // The payer could not reach the simulator: the payment stays unpaid, as with a payer who walked away.
        }
    }

    /// <summary>Sends again, with the same request_id, each create whose answer did not say what happened: the gateway answers with the payment it made, if any.</summary>
    private async Task ReplayUnknownAsync(Payer payer, IReadOnlyList<DrillPayment> payments, CancellationToken cancellationToken)
    {
        foreach (var payment in payments.Where(p => p.Id is null && p.OutcomeUnknown))
        {
            var created = await CreateAsync(payment, cancellationToken);
            if (created is not null)
            {
                payment.RefusedWith = null;
                await PayAsync(payer, payment, created, cancellationToken);
            }
        }
    }

    private async Task WaitForRecoveryAsync(Payer payer, IReadOnlyList<DrillPayment> payments, TimeSpan limit, CancellationToken cancellationToken)
    {
        var started = clock.GetTimestamp();
        var open = payments.Where(p => p.Id is not null).ToList();
        while (true)
        {
            var stillOpen = new List<DrillPayment>();
            foreach (var payment in open)
            {
                var now = await GetAsync(payment.Id!, cancellationToken);
                if (now is { State: Payment.Types.State.RequiresAction } && !payment.Paid)
                {
                    // A payment whose create answer was lost shows its QR code (or form) only now: the payer pays what is shown, when it is.
                    await PayAsync(payer, payment, now, cancellationToken);
                }
                // Settled: final, or waiting for a payer who did not pay (nothing will change it before it expires).
                if (now is not null && !(now.State == Payment.Types.State.Processing || (now.State == Payment.Types.State.RequiresAction && payment.Paid)))
                {
                    continue;
                }
                stillOpen.Add(payment);
            }
            open = stillOpen;
            progress.Recovering(open.Count, payments.Count);
            if (open.Count == 0 || clock.GetElapsedTime(started) >= limit)
            {
                return;
            }
            await Task.Delay(PollInterval, clock, cancellationToken);
        }
    }

    private async Task ReadBackAsync(IReadOnlyList<DrillPayment> payments, CancellationToken cancellationToken)
    {
        foreach (var payment in payments.Where(p => p.Id is not null))
        {
            payment.Final = await GetAsync(payment.Id!, cancellationToken);
            payment.Lost = payment.Final is null;
        }
    }

    /// <summary>The payment now; null when the gateway says it has no such payment. A gateway that does not answer fails the drill.</summary>
    private async Task<Payment?> GetAsync(string id, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await gateway.Payments.GetAsync(id, cancellationToken);
            }
            catch (NotFoundException)
            {
                return null;
            }
            catch (PaygateException e) when (attempt < 5 && e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted)
            {
                await Task.Delay(PollInterval, clock, cancellationToken);
            }
        }
    }
}
