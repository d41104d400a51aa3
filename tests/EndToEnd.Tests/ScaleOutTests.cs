using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Grpc.Core;
using Npgsql;
using Paygate.Gateway.Tests.Storage;
using Paygate.Simulators.Faults;
using Paygate.Simulators.Hosting;
using Paygate.V1;
using Xunit.Abstractions;

namespace Paygate.EndToEnd.Tests;

/// <summary>
/// Three gateway processes on one PostgreSQL database, one of them killed outright (SIGKILL) while calls are in flight:
/// the two survivors lose no acknowledged payment, charge nothing twice, settle everything (the killed one's worker lease
/// and webhook claims taken over), and their event stream and webhooks have every event, once each, in order.
/// </summary>
public sealed class ScaleOutTests(ITestOutputHelper output)
{
    private const int Instances = 3;

    [PostgresFact]
    public async Task ThreeInstancesOneDatabase_OneKilledMidWork_SurvivorsLoseNothingChargeNothingTwice_EventsInOrder()
    {
        var watch = Stopwatch.StartNew();
        var database = await PostgresTestServer.CreateDatabaseAsync();
        var data = Directory.CreateTempSubdirectory("paygate-scaleout-").FullName;
        try
        {
            await using var simulators = await SimulatorHost.StartAsync();
            await using var receiver = await WebhookReceiver.StartAsync();
            var settings = Settings(simulators, database, data);
            var gateways = new GatewayProcess[Instances];
            try
            {
                var ports = Enumerable.Range(0, Instances).Select(_ => (GatewayUnderTest.FreePort(), GatewayUnderTest.FreePort())).ToArray();
                var started = await Task.WhenAll(ports.Select(p => GatewayProcess.StartAsync(settings, data, p)));
                started.CopyTo(gateways, 0);
                output.WriteLine($"{Instances} instances serving after {watch.Elapsed.TotalSeconds:F1} s");
                await new Drill(gateways, ports, simulators, receiver, database, output).RunAsync();
            }
            finally
            {
                foreach (var gateway in gateways.Where(g => g is not null))
                {
                    await gateway.DisposeAsync();
                }
            }
        }
        finally
        {
            await PostgresTestServer.DropDatabaseAsync(database);
            Directory.Delete(data, recursive: true);
            output.WriteLine($"total {watch.Elapsed.TotalSeconds:F1} s");
        }
    }

    /// <summary>
    /// One database, one folder for generated files (the sandbox keys one instance makes, the others find), one webhook
    /// sealing key; a short worker lease and sweep, so that a survivor takes over the killed instance's work within the test.
    /// </summary>
    private static Dictionary<string, string?> Settings(SimulatorHost simulators, string database, string data)
    {
        var settings = new Dictionary<string, string?>(SandboxSettings.For(simulators))
        {
            ["Storage:Provider"] = "Postgres",
            ["Storage:Postgres:ConnectionString"] = database,
            ["Storage:DataFolder"] = data,
            ["Webhooks:SecretKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Webhooks:FirstRetryDelay"] = "00:00:00.200",
            ["Webhooks:MaxRetryDelay"] = "00:00:01",
            ["Webhooks:PollInterval"] = "00:00:00.100",
            ["Webhooks:Timeout"] = "00:00:01",
            ["Paygate:WorkerLease"] = "00:00:03",
            ["Paygate:SweepInterval"] = "00:00:00.500",
            // A call cut off by the kill is taken up soon, and a QR code paid while its notification went to the dead
            // instance (the network notifies the instance that created the order) is found by the survivors' questions.
            ["Paygate:PendingQueryAfter"] = "00:00:02",
            ["Paygate:AwaitingPayerQueries:0"] = "00:00:02",
            ["Paygate:AwaitingPayerQueries:1"] = "00:00:04",
            ["Paygate:AwaitingPayerQueries:2"] = "00:00:08",
            ["Paygate:AwaitingPayerQueries:3"] = "00:00:16",
            ["Resilience:Defaults:MinimumThroughput"] = "10000",
            ["ChannelHttp:Defaults:MinimumThroughput"] = "10000",
        };
        return settings;
    }

    /// <summary>The merchant's side of the drill: its calls spread over the instances, the kill, then the checks.</summary>
    private sealed class Drill(GatewayProcess[] gateways, (int Grpc, int Http)[] ports, SimulatorHost simulators, WebhookReceiver receiver, string database, ITestOutputHelper output)
    {
        private const int CardPayments = 21;
        private const int AlipayPayments = 21;
        private const int Duplicates = 12;
        private const int Parallelism = 6;

        private readonly int[] _inFlight = new int[Instances];
        private readonly ConcurrentBag<string> _violations = [];
        private readonly ConcurrentDictionary<string, string> _paymentByRequest = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, string> _requestKind = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, (string RequestId, string RefundId)> _refunds = new(StringComparer.Ordinal);
        private readonly ConcurrentBag<(string RequestId, string PaymentId)> _retriedCreates = [];
        private readonly ConcurrentBag<string> _paid = [];
        private readonly ConcurrentBag<Task> _latePayers = [];
        private readonly ConcurrentBag<string> _retriedRefunds = [];
        private readonly ConcurrentQueue<string> _failedOnVictim = new();
        private int _victim = -1;
        private volatile bool _killed;
        private DateTimeOffset _killTime;
        private int _started;

        private IEnumerable<int> Survivors => Enumerable.Range(0, Instances).Where(i => i != _victim);

        public async Task RunAsync()
        {
            var watch = Stopwatch.StartNew();
            // Each network takes a moment to answer, so that the kill cuts calls off in the middle.
            simulators.CardFaults.Plan = new FaultPlan { LatencyMs = 80 };
            simulators.AlipayFaults.Plan = new FaultPlan { LatencyMs = 80 };
            // Registered before any payment: it must receive every event, the killed instance's claims included.
            var endpoint = await gateways[0].Webhooks.CreateWebhookEndpointAsync(new CreateWebhookEndpointRequest { Url = receiver.Url });
            receiver.Secret = endpoint.Secret;

            // The victim is the instance running the recovery worker: its lease must pass to a survivor.
            var victimPid = await WaitForLeaseHolderAsync(pid => gateways.Any(g => g.ProcessId == pid), TimeSpan.FromSeconds(10));
            _victim = Array.FindIndex(gateways, g => g.ProcessId == victimPid);
            output.WriteLine($"instance {_victim} (pid {victimPid}) holds the recovery lease: it is the one killed");

            var scenarios = Enumerable.Range(0, CardPayments).Select(i => (Kind: "card", Index: i))
                .Concat(Enumerable.Range(0, AlipayPayments).Select(i => (Kind: "alipay", Index: i)))
                .Concat(Enumerable.Range(0, Duplicates).Select(i => (Kind: "duplicate", Index: i)))
                .OrderBy(s => s.Index).ThenBy(s => s.Kind, StringComparer.Ordinal).ToList();
            var kill = Task.Run(() => KillMidWorkAsync(scenarios.Count / 3));
            await Parallel.ForEachAsync(scenarios, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (scenario, _) =>
            {
                Interlocked.Increment(ref _started);
                try
                {
                    await (scenario.Kind switch
                    {
                        "card" => CardAsync(scenario.Index),
                        "alipay" => AlipayAsync(scenario.Index),
                        _ => DuplicateAsync(scenario.Index),
                    });
                }
                catch (Exception ex)
                {
                    _violations.Add($"{scenario.Kind} #{scenario.Index}: the merchant's calls failed on the survivors: {ex.GetType().Name}: {ex.Message}");
                }
            });
            await kill;
            await Task.WhenAll(_latePayers);
            var workSeconds = watch.Elapsed.TotalSeconds;
            output.WriteLine($"work done in {workSeconds:F1} s: {_paymentByRequest.Count} requests acknowledged, {_refunds.Count} refunds, "
                + $"{_failedOnVictim.Count} calls failed on the killed instance ({string.Join(", ", _failedOnVictim.GroupBy(s => s).Select(g => $"{g.Key} x{g.Count()}"))}), "
                + $"{_retriedCreates.Count} creates retried on a survivor");

            await CheckAsync(victimPid);
            output.WriteLine($"settled and checked after {watch.Elapsed.TotalSeconds:F1} s");
            Assert.True(_violations.IsEmpty, $"{_violations.Count} violations:\n" + string.Join("\n", _violations.Take(40))
                + "\n--- survivor output ---\n" + string.Join("\n", Survivors.Select(i => Tail(gateways[i].Output))));
        }

        /// <summary>Kills the victim once a third of the work has started and calls of its are in flight.</summary>
        private async Task KillMidWorkAsync(int after)
        {
            while (Volatile.Read(ref _started) < after)
            {
                await Task.Delay(1);
            }
            // Two calls of its in flight, if that comes soon; one at least.
            var start = DateTime.UtcNow;
            while (Volatile.Read(ref _inFlight[_victim]) < (DateTime.UtcNow - start < TimeSpan.FromSeconds(3) ? 2 : 1) && DateTime.UtcNow - start < TimeSpan.FromSeconds(15))
            {
                await Task.Delay(1);
            }
            var inFlight = Volatile.Read(ref _inFlight[_victim]);
            _killTime = DateTimeOffset.UtcNow;
            _killed = true;
            gateways[_victim].Kill();
            output.WriteLine($"killed instance {_victim} with {inFlight} of its calls in flight, after {_started} of the scenarios started");
            Assert.True(inFlight > 0, "no call was in flight on the victim when it was killed");
        }

        private async Task CardAsync(int index)
        {
            var requestId = Guid.NewGuid().ToString();
            var request = Tagged(GatewayUnderTest.CardRequest(amount: 12_000 + index, requestId: requestId), "card");
            var payment = await CreateAsync(index, request);
            // A create cut off by the kill may end FAILED: the card's details were only in the killed process's memory.
            if (payment.State != Payment.Types.State.Succeeded && payment.State != Payment.Types.State.Processing && !_retriedCreates.Any(r => r.RequestId == requestId))
            {
                _violations.Add($"card payment {payment.Id} answered {payment.State}");
            }
            if (index % 2 == 0)
            {
                await RefundWhenSucceededAsync(index + 1, payment);
            }
        }

        private async Task AlipayAsync(int index)
        {
            var request = Tagged(GatewayUnderTest.NewRequest(10_000 + index, Guid.NewGuid().ToString()), "alipay");
            var payment = await CreateAsync(index, request);
            if (index < Instances + 1)
            {
                // Payers slow to scan, one at least on each instance: they pay after the kill, and the network notifies the
                // instance that created the order, dead or not (then a survivor's scheduled question finds it paid).
                _latePayers.Add(Task.Run(async () =>
                {
                    while (!_killed)
                    {
                        await Task.Delay(50);
                    }
                    await PayAsync(index, payment);
                }));
                return;
            }
            payment = await PayAsync(index, payment);
            if (index % 3 == 0)
            {
                await RefundWhenSucceededAsync(index + 1, payment);
            }
        }

        /// <summary>The same create sent to two instances at once: one payment, one channel order.</summary>
        private async Task DuplicateAsync(int index)
        {
            var requestId = Guid.NewGuid().ToString();
            var request = index % 2 == 0
                ? Tagged(GatewayUnderTest.CardRequest(amount: 15_000 + index, requestId: requestId), "duplicate card")
                : Tagged(GatewayUnderTest.NewRequest(20_000 + index, requestId), "duplicate alipay");
            var answers = await Task.WhenAll(CreateAsync(index, request), CreateAsync(index + 1, request));
            if (answers[0].Id != answers[1].Id)
            {
                _violations.Add($"request {requestId} sent to two instances made two payments: {answers[0].Id} and {answers[1].Id}");
            }
            if (request.PaymentMethod.Channel == "alipay")
            {
                await PayAsync(index, answers.FirstOrDefault(a => a.NextAction?.QrCode is { Length: > 0 }) ?? answers[0]);
            }
        }

        private CreatePaymentRequest Tagged(CreatePaymentRequest request, string kind)
        {
            request.Metadata["drill_request"] = request.RequestId;
            _requestKind[request.RequestId] = kind;
            return request;
        }

        /// <summary>The payer pays the QR code the merchant shows, once the payment has one (a create cut off by the kill gets it from the recovery worker).</summary>
        private async Task<Payment> PayAsync(int index, Payment payment)
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (payment.State == Payment.Types.State.Processing && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
                payment = await GetAsync(index, payment.Id);
            }
            if (payment.State != Payment.Types.State.RequiresAction || payment.NextAction?.QrCode is not { Length: > 0 } qr)
            {
                _violations.Add($"alipay payment {payment.Id} never showed a QR code: {payment.State}");
                return payment;
            }
            if (simulators.Alipay.BuyerPays(qr) is { } refused)
            {
                _violations.Add($"alipay payment {payment.Id}: the buyer could not pay: {refused}");
                return payment;
            }
            _paid.Add(payment.Id);
            return payment;
        }

        /// <summary>Refunds half of a payment once it succeeded (within a few seconds; one whose success waits for the recovery worker is left).</summary>
        private async Task RefundWhenSucceededAsync(int index, Payment payment)
        {
            var deadline = DateTime.UtcNow.AddSeconds(4);
            while (payment.State != Payment.Types.State.Succeeded && !IsFinal(payment) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
                payment = await GetAsync(index, payment.Id);
            }
            if (payment.State != Payment.Types.State.Succeeded)
            {
                return;
            }
            var request = new RefundPaymentRequest { Id = payment.Id, RequestId = Guid.NewGuid().ToString(), AmountMinor = payment.AmountMinor / 2, Reason = "scale-out drill" };
            var retried = false;
            Task<Refund> Send(int at) => CallAsync(at, g => g.Payments.RefundPaymentAsync(request, deadline: Deadline()).ResponseAsync, () => retried = true);
            // Some refunds are sent to two instances at once, as a merchant's retry racing its first try would: one refund.
            var answers = index % 4 == 1 ? await Task.WhenAll(Send(index), Send(index + 1)) : [await Send(index)];
            var refund = answers[0];
            if (answers.Any(a => a.Id != refund.Id))
            {
                _violations.Add($"refund request {request.RequestId} sent to two instances made two refunds: {string.Join(", ", answers.Select(a => a.Id))}");
            }
            if (retried)
            {
                _retriedRefunds.Add(refund.Id);
            }
            if (!_refunds.TryAdd(payment.Id, (request.RequestId, refund.Id)))
            {
                _violations.Add($"payment {payment.Id} refunded twice by the drill");
            }
        }

        private async Task<Payment> CreateAsync(int index, CreatePaymentRequest request)
        {
            var retried = false;
            var payment = await CallAsync(index, g => g.Payments.CreatePaymentAsync(request, deadline: Deadline()).ResponseAsync, () => retried = true);
            var agreed = _paymentByRequest.GetOrAdd(request.RequestId, payment.Id);
            if (agreed != payment.Id)
            {
                _violations.Add($"request {request.RequestId} answered with two payments: {agreed} and {payment.Id}");
            }
            if (retried)
            {
                _retriedCreates.Add((request.RequestId, payment.Id));
            }
            return payment;
        }

        private Task<Payment> GetAsync(int index, string id) =>
            CallAsync(index, g => g.Payments.GetPaymentAsync(new GetPaymentRequest { Id = id }, deadline: Deadline()).ResponseAsync, retried: null);

        /// <summary>
        /// A call to instance <paramref name="index"/> (mod 3; a survivor once the victim is dead, as a load balancer would). A
        /// call the killed instance did not answer is not acknowledged: the merchant repeats it on a survivor, the same request.
        /// </summary>
        private async Task<T> CallAsync<T>(int index, Func<GatewayProcess, Task<T>> call, Action? retried)
        {
            var target = index % Instances;
            if (_killed && target == _victim)
            {
                target = (target + 1) % Instances;
            }
            Interlocked.Increment(ref _inFlight[target]);
            try
            {
                return await call(gateways[target]);
            }
            catch (RpcException ex) when (target == _victim && _killed)
            {
                _failedOnVictim.Enqueue(ex.StatusCode.ToString());
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight[target]);
            }
            retried?.Invoke();
            return await call(gateways[(target + 1) % Instances]);
        }

        private static DateTime Deadline() => DateTime.UtcNow.AddSeconds(20);

        private static bool IsFinal(Payment payment) =>
            payment.State is Payment.Types.State.Succeeded or Payment.Types.State.Failed or Payment.Types.State.Canceled or Payment.Types.State.Expired;

        private static bool IsSettled(Payment payment) => IsFinal(payment) && payment.Refunds.All(r => r.State != Refund.Types.State.Pending);

        private async Task CheckAsync(int victimPid)
        {
            var survivors = Survivors.Select(i => gateways[i]).ToList();
            var reader = survivors[0];

            // Everything settles on the survivors: the recovery lease is taken over, cut-off calls resolved, paid QR codes found.
            var settleWatch = Stopwatch.StartNew();
            var payments = await ListAllAsync(reader);
            while (!payments.All(IsSettled) && settleWatch.Elapsed < TimeSpan.FromSeconds(25))
            {
                await Task.Delay(250);
                payments = await ListAllAsync(reader);
            }
            output.WriteLine($"payments settled {settleWatch.Elapsed.TotalSeconds:F1} s after the work: "
                + string.Join(", ", payments.GroupBy(p => p.State).Select(g => $"{g.Key}={g.Count()}")));
            try
            {
                var holder = await WaitForLeaseHolderAsync(pid => pid != victimPid, TimeSpan.FromSeconds(5));
                if (!survivors.Any(g => g.ProcessId == holder))
                {
                    _violations.Add($"the recovery lease is held by pid {holder}, not a survivor");
                }
            }
            catch (TimeoutException ex)
            {
                _violations.Add($"no survivor took the recovery lease over: {ex.Message}");
            }

            CheckPayments(payments);
            await CheckReadableEverywhereAsync(survivors);
            var events = await CheckEventStreamAsync(reader, payments);
            await CheckWebhooksAsync(events, payments);
        }

        /// <summary>One payment per request, the answer the merchant got; money moved as the payment says, never twice.</summary>
        private void CheckPayments(List<Payment> payments)
        {
            var byRequest = payments.GroupBy(p => p.Metadata.GetValueOrDefault("drill_request") ?? "").ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
            foreach (var (requestId, kind) in _requestKind)
            {
                var found = byRequest.GetValueOrDefault(requestId) ?? [];
                if (found.Count != 1)
                {
                    _violations.Add($"{kind} request {requestId}: {found.Count} payments ({string.Join(", ", found.Select(p => p.Id))})");
                }
                else if (_paymentByRequest.GetValueOrDefault(requestId) is { } answered && answered != found[0].Id)
                {
                    _violations.Add($"{kind} request {requestId}: answered {answered}, stored {found[0].Id}");
                }
                else if (!_paymentByRequest.ContainsKey(requestId))
                {
                    _violations.Add($"{kind} request {requestId}: never acknowledged, yet stored as {found[0].Id}");
                }
            }
            if (byRequest.Keys.Except(_requestKind.Keys).ToList() is { Count: > 0 } strangers)
            {
                _violations.Add($"payments no request made: {string.Join(", ", strangers)}");
            }
            var savedByVictim = _retriedCreates.Count(r => payments.FirstOrDefault(p => p.Id == r.PaymentId)?.CreateTime.ToDateTimeOffset() < _killTime);
            output.WriteLine($"of {_retriedCreates.Count} creates repeated on a survivor, {savedByVictim} had been saved by the killed instance (the repeat answered that payment)");

            // Every channel order belongs to an attempt of a payment; each attempt has at most one.
            var references = payments.SelectMany(p => p.Attempts.Select(a => (Payment: p, Attempt: a))).ToList();
            if (references.GroupBy(r => (r.Attempt.Channel, r.Attempt.ChannelReference)).FirstOrDefault(g => g.Count() > 1) is { } shared)
            {
                _violations.Add($"attempt reference {shared.Key} used by several attempts");
            }
            var known = references.Select(r => r.Attempt.ChannelReference).ToHashSet(StringComparer.Ordinal);
            foreach (var order in simulators.Alipay.Orders.Where(o => !known.Contains(o.OutTradeNo)))
            {
                _violations.Add($"Alipay order {order.OutTradeNo} of no payment's attempt");
            }
            foreach (var order in simulators.Card.Payments.Where(o => !known.Contains(o.Reference)))
            {
                _violations.Add($"card order {order.Reference} of no payment's attempt");
            }
            if (simulators.Alipay.Orders.GroupBy(o => o.OutTradeNo).FirstOrDefault(g => g.Count() > 1) is { } twice)
            {
                _violations.Add($"Alipay order {twice.Key} opened {twice.Count()} times");
            }

            var alipayLedger = simulators.Alipay.Ledger;
            var cardLedger = simulators.Card.Ledger;
            foreach (var payment in payments)
            {
                long charged = 0, refunded = 0, charges = 0;
                foreach (var attempt in payment.Attempts)
                {
                    var moves = attempt.Channel == "alipay"
                        ? alipayLedger.Where(e => e.OutTradeNo == attempt.ChannelReference).Select(e => (e.Kind, Amount: e.AmountFen))
                        : cardLedger.Where(e => e.Reference == attempt.ChannelReference).Select(e => (e.Kind, e.Amount));
                    foreach (var (kind, amount) in moves)
                    {
                        charges += kind == "charge" ? 1 : 0;
                        charged += kind == "charge" ? amount : 0;
                        refunded += kind == "refund" ? amount : 0;
                    }
                }
                var kept = charged - refunded;
                switch (payment.State)
                {
                    case Payment.Types.State.Succeeded when kept != payment.AmountMinor - payment.AmountRefundedMinor:
                        _violations.Add($"{payment.Id}: SUCCEEDED for {payment.AmountMinor} with {payment.AmountRefundedMinor} refunded, but the network kept {kept} ({charges} charges, {refunded} refunded)");
                        break;
                    case Payment.Types.State.Succeeded when charges == 1 && refunded != payment.AmountRefundedMinor:
                        _violations.Add($"{payment.Id}: {payment.AmountRefundedMinor} refunded by the gateway, {refunded} by the network");
                        break;
                    case Payment.Types.State.Failed or Payment.Types.State.Canceled or Payment.Types.State.Expired when kept != 0:
                        _violations.Add($"{payment.Id}: {payment.State} but the network kept {kept} ({charges} charges)");
                        break;
                    case Payment.Types.State.Processing when payment.Attempts[^1].State is not (Attempt.Types.State.Unknown or Attempt.Types.State.Pending):
                        _violations.Add($"{payment.Id}: PROCESSING without an unknown attempt");
                        break;
                    case Payment.Types.State.RequiresAction:
                        _violations.Add($"{payment.Id}: still REQUIRES_ACTION ({(_paid.Contains(payment.Id) ? "paid by the buyer" : "never paid")}; the network kept {kept})");
                        break;
                }
                if (_refunds.TryGetValue(payment.Id, out var asked))
                {
                    if (payment.Refunds.Count != 1 || payment.Refunds[0].Id != asked.RefundId)
                    {
                        _violations.Add($"{payment.Id}: refund {asked.RefundId} asked once, payment has refunds {string.Join(", ", payment.Refunds.Select(r => r.Id))}");
                    }
                }
                else if (payment.Refunds.Count > 0 && charges <= 1)
                {
                    _violations.Add($"{payment.Id}: refunds nobody asked for: {string.Join(", ", payment.Refunds.Select(r => r.Id))}");
                }
            }
            var deadPort = $":{ports[_victim].Http}/";
            var lostNotifications = simulators.Alipay.Orders.Count(o => o.PaidAt > _killTime && o.NotifyUrl?.Contains(deadPort, StringComparison.Ordinal) == true);
            output.WriteLine($"{lostNotifications} Alipay orders paid after the kill notified the killed instance (settled by a survivor's question)");
            var refunds = payments.SelectMany(p => p.Refunds).ToList();
            output.WriteLine($"refunds: {string.Join(", ", refunds.GroupBy(r => r.State).Select(g => $"{g.Key}={g.Count()}"))}; {_retriedRefunds.Count} repeated on a survivor");
            foreach (var failed in refunds.Where(r => r.State != Refund.Types.State.Succeeded))
            {
                // Without faults a refund succeeds. One cut off by the kill before it reached the network is FAILED once the
                // worker finds the network never heard of it (nothing given back: the ledger check above holds it to that).
                var cutOff = _retriedRefunds.Contains(failed.Id);
                output.WriteLine($"  refund {failed.Id} of {failed.PaymentId}: {failed.State} {failed.Error?.Code} {failed.NativeCode} "
                    + $"({(cutOff ? "cut off by the kill and repeated" : "not cut off by the kill")})");
                if (!cutOff)
                {
                    _violations.Add($"refund {failed.Id} of {failed.PaymentId} answered by a live instance ended {failed.State} ({failed.Error?.Code} {failed.NativeCode})");
                }
            }
            output.WriteLine($"ledgers: {alipayLedger.Count(e => e.Kind == "charge")} Alipay charges, {cardLedger.Count(e => e.Kind == "charge")} card charges, "
                + $"{alipayLedger.Count(e => e.Kind == "refund") + cardLedger.Count(e => e.Kind == "refund")} refunds");
        }

        /// <summary>Every acknowledged payment is there on each survivor.</summary>
        private async Task CheckReadableEverywhereAsync(List<GatewayProcess> survivors)
        {
            foreach (var id in _paymentByRequest.Values.Distinct(StringComparer.Ordinal))
            {
                foreach (var survivor in survivors)
                {
                    try
                    {
                        await survivor.Payments.GetPaymentAsync(new GetPaymentRequest { Id = id }, deadline: Deadline());
                    }
                    catch (RpcException ex)
                    {
                        _violations.Add($"acknowledged payment {id} not readable on pid {survivor.ProcessId}: {ex.StatusCode}");
                    }
                }
            }
        }

        /// <summary>
        /// The stream from the start: every stored event once, cursors 1, 2, 3... (no gap, no repeat); per payment, created first
        /// and then in the payment's own order, the last event showing the payment as it is now.
        /// </summary>
        private async Task<List<Event>> CheckEventStreamAsync(GatewayProcess reader, List<Payment> payments)
        {
            // Every committed event gets its position (the relay of a survivor places what the dead one committed).
            long stored = 0;
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (true)
            {
                var (count, unplaced) = await EventCountsAsync();
                stored = count;
                if (unplaced == 0)
                {
                    break;
                }
                if (DateTime.UtcNow > deadline)
                {
                    _violations.Add($"{unplaced} events of {count} still have no stream position");
                    break;
                }
                await Task.Delay(100);
            }

            var events = await ReadStreamAsync(reader, stored);
            output.WriteLine($"stream: {events.Count} events ({stored} stored)");
            if (events.Count != stored)
            {
                _violations.Add($"the stream gave {events.Count} events, the database holds {stored}");
            }
            for (var i = 0; i < events.Count; i++)
            {
                var cursor = long.Parse(events[i].Cursor, CultureInfo.InvariantCulture);
                if (cursor != i + 1)
                {
                    _violations.Add($"event #{i + 1} of the stream has cursor {cursor} ({events[i].Id}): a gap or a repeat");
                    break;
                }
            }
            var byId = payments.ToDictionary(p => p.Id, StringComparer.Ordinal);
            foreach (var group in events.GroupBy(e => e.Payment.Id))
            {
                var list = group.ToList();
                if (!byId.TryGetValue(group.Key, out var payment))
                {
                    _violations.Add($"events of unknown payment {group.Key}");
                    continue;
                }
                if (list[0].Type != "payment.created")
                {
                    _violations.Add($"{payment.Id}: first event {list[0].Type}, not payment.created");
                }
                if (list.Skip(1).Any(e => e.Type == "payment.created"))
                {
                    _violations.Add($"{payment.Id}: created twice");
                }
                for (var i = 1; i < list.Count; i++)
                {
                    var (before, after) = (list[i - 1].Payment, list[i].Payment);
                    if (after.UpdateTime.ToDateTimeOffset() < before.UpdateTime.ToDateTimeOffset() || after.Attempts.Count < before.Attempts.Count
                        || after.Refunds.Count < before.Refunds.Count || (IsFinal(before) && before.State != Payment.Types.State.Failed && after.State != before.State))
                    {
                        _violations.Add($"{payment.Id}: event {list[i].Id} ({list[i].Type}, {after.State}) goes back from {list[i - 1].Id} ({list[i - 1].Type}, {before.State})");
                    }
                }
                if (list[^1].Payment.State != payment.State || list[^1].Payment.AmountRefundedMinor != payment.AmountRefundedMinor)
                {
                    _violations.Add($"{payment.Id}: last event {list[^1].Type} shows {list[^1].Payment.State}, the payment is {payment.State}");
                }
                foreach (var refund in payment.Refunds.Where(r => !list.Any(e => e.Refund?.Id == r.Id)))
                {
                    _violations.Add($"{payment.Id}: no event of refund {refund.Id}");
                }
                if (payment.State == Payment.Types.State.Succeeded && !list.Any(e => e.Type == "payment.succeeded"))
                {
                    _violations.Add($"{payment.Id}: SUCCEEDED without a payment.succeeded event");
                }
            }
            foreach (var silent in payments.Where(p => events.All(e => e.Payment.Id != p.Id)))
            {
                _violations.Add($"{silent.Id}: no event in the stream");
            }
            return events;
        }

        /// <summary>The endpoint registered before the kill got every event at least once, signed, in order per payment.</summary>
        private async Task CheckWebhooksAsync(List<Event> events, List<Payment> payments)
        {
            var wanted = events.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
            try
            {
                await receiver.WaitUntilAsync(r => wanted.IsSubsetOf(r.Acknowledged.Select(a => a.Event.Id)), timeoutSeconds: 20);
            }
            catch (TimeoutException)
            {
                var missing = wanted.Except(receiver.Acknowledged.Select(a => a.Event.Id)).ToList();
                _violations.Add($"{missing.Count} events never delivered to the webhook endpoint: {string.Join(", ", missing.Take(10))}");
            }
            var received = receiver.All;
            output.WriteLine($"webhooks: {received.Count} posts for {events.Count} events ({received.Count - received.Select(r => r.Event.Id).Distinct().Count()} repeats)");
            if (received.Any(r => !r.SignatureValid))
            {
                _violations.Add("a webhook post with a bad signature");
            }
            if (received.Any(r => r.EventIdHeader != r.Event.Id))
            {
                _violations.Add("a webhook post whose Paygate-Event-Id is not its event's");
            }
            foreach (var payment in payments)
            {
                var stream = events.Where(e => e.Payment.Id == payment.Id).Select(e => e.Id).ToList();
                var posts = received.Where(r => r.Event.Payment.Id == payment.Id).Select(r => r.Event).ToList();
                var positions = posts.Select(e => long.Parse(e.Cursor, CultureInfo.InvariantCulture)).ToList();
                if (positions.Zip(positions.Skip(1)).Any(p => p.Second < p.First))
                {
                    _violations.Add($"{payment.Id}: webhooks out of order: {string.Join(", ", posts.Select(e => $"{e.Id} {e.Type}"))}");
                }
                var delivered = posts.Select(e => e.Id).Distinct().ToList();
                if (!delivered.SequenceEqual(stream))
                {
                    _violations.Add($"{payment.Id}: webhooks {string.Join(", ", delivered)}; stream {string.Join(", ", stream)}");
                }
            }
        }

        private static async Task<List<Payment>> ListAllAsync(GatewayProcess gateway)
        {
            var all = new List<Payment>();
            var token = "";
            do
            {
                var page = await gateway.Payments.ListPaymentsAsync(new ListPaymentsRequest { PageSize = 100, PageToken = token }, deadline: Deadline());
                all.AddRange(page.Payments);
                token = page.NextPageToken;
            }
            while (token.Length > 0);
            return all;
        }

        /// <summary>Reads the stream from the start until it has given <paramref name="expected"/> events and then nothing more for a moment.</summary>
        private static async Task<List<Event>> ReadStreamAsync(GatewayProcess gateway, long expected)
        {
            var events = new List<Event>();
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            using var call = gateway.Payments.StreamEvents(new StreamEventsRequest(), cancellationToken: stop.Token);
            try
            {
                while (true)
                {
                    if (events.Count >= expected)
                    {
                        // Anything after the last stored event would be a repeat.
                        stop.CancelAfter(TimeSpan.FromMilliseconds(700));
                    }
                    if (!await call.ResponseStream.MoveNext(stop.Token))
                    {
                        break;
                    }
                    events.Add(call.ResponseStream.Current);
                }
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled)
            {
            }
            catch (OperationCanceledException)
            {
            }
            return events;
        }

        private async Task<(long Count, long Unplaced)> EventCountsAsync()
        {
            await using var connection = new NpgsqlConnection(database);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT (SELECT count(*) FROM payment_events), (SELECT count(*) FROM event_queue)", connection);
            await using var row = await command.ExecuteReaderAsync();
            await row.ReadAsync();
            return (row.GetInt64(0), row.GetInt64(1));
        }

        /// <summary>The pid in the recovery lease's holder (<c>host/pid/random</c>), once it satisfies <paramref name="wanted"/>.</summary>
        private async Task<int> WaitForLeaseHolderAsync(Func<int, bool> wanted, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            var pid = 0;
            while (DateTime.UtcNow < deadline)
            {
                await using (var connection = new NpgsqlConnection(database))
                {
                    await connection.OpenAsync();
                    await using var command = new NpgsqlCommand("SELECT holder FROM worker_leases WHERE name = 'recovery'", connection);
                    if (await command.ExecuteScalarAsync() is string holder)
                    {
                        pid = int.Parse(holder.Split('/')[^2], CultureInfo.InvariantCulture);
                        if (wanted(pid))
                        {
                            return pid;
                        }
                    }
                }
                await Task.Delay(100);
            }
            throw new TimeoutException($"the recovery lease holder is pid {pid}, not the one waited for");
        }

        private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];
    }
}
