using Grpc.Core.Interceptors;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Paygate.Cli.Drills.Ledger;
using Paygate.Gateway;
using Paygate.Simulators.Faults;
using Paygate.Simulators.Hosting;
using Paygate.V1;

// The soak drill: `dotnet run -c Release --project tests/Soak -- [payments] [parallelism] [seed]`.
// Thousands of payments through the real gateway while every simulated network misbehaves at random; then the
// faults stop, the recovery worker settles what it can, and the money is counted. Exit code 1 on any violation of:
// every payment found again (none lost), each in one final state or PROCESSING with an unknown attempt, and no
// payment charged twice unless the extra charge was refunded and the payment flagged.
var total = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
var parallelism = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 16;
var random = new Random(args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20261126);
var data = Directory.CreateTempSubdirectory("paygate-soak-").FullName;

await using var simulators = await SimulatorHost.StartAsync();
var settings = SandboxSettings.For(simulators);
int Port()
{
    using var l = new TcpListener(IPAddress.Loopback, 0);
    l.Start();
    return ((IPEndPoint)l.LocalEndpoint).Port;
}
var (grpcPort, httpPort) = (Port(), Port());
foreach (var (k, v) in new Dictionary<string, string?>
{
    ["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{grpcPort}",
    ["Kestrel:Endpoints:Grpc:Protocols"] = "Http2",
    ["Kestrel:Endpoints:Http:Url"] = $"http://127.0.0.1:{httpPort}",
    ["Kestrel:Endpoints:Http:Protocols"] = "Http1",
    ["Paygate:NotifyBaseUrl"] = $"http://127.0.0.1:{httpPort}",
    ["Paygate:SweepInterval"] = "00:00:00.500",
    ["Paygate:PendingQueryAfter"] = "00:00:05",
    ["Storage:Sqlite:Path"] = Path.Combine(data, "paygate.db"),
    ["Simulators:InProcess"] = "false",
    ["Paygate:Environment"] = "Sandbox",
    ["RateLimits:PerSecond"] = "1000000",
    ["RateLimits:Burst"] = "1000000",
    ["Logging:LogLevel:Default"] = "Error",
    ["Channels:Alipay:TimeoutSeconds"] = "2",
    ["Channels:WeChatPay:TimeoutSeconds"] = "2",
    ["Channels:Card:TimeoutSeconds"] = "2",
    ["Channels:UnionPay:TimeoutSeconds"] = "2",
    ["Resilience:Defaults:BreakDuration"] = "00:00:02",
    // Shorter than the channel break, as the README asks: a host circuit never outlasts the channel circuit that probes past it.
    ["ChannelHttp:Defaults:BreakDuration"] = "00:00:01",
})
{
    settings[k] = v;
}
await using var gateway = await GatewayApp.BuildAsync([], settings);
await gateway.StartAsync();
using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
var merchantKey = File.ReadAllText(Path.Combine(data, Paygate.Gateway.Sandbox.SandboxCredentials.MerchantKeyFile)).Trim();
var payments = new PaymentService.PaymentServiceClient(channel.Intercept(headers =>
{
    headers.Add("authorization", "Bearer " + merchantKey);
    return headers;
}));

// Every network misbehaves: unknown outcomes, lost responses, tampered answers, hangs, refusals, latency.
FaultPlan Chaos(string unknownCode) => new()
{
    LatencyMs = 5,
    ErrorRate = 0.05,
    ErrorCode = unknownCode,
    LoseResponseRate = 0.05,
    TamperRate = 0.03,
    TimeoutRate = 0.01,
    TimeoutMs = 2500,
};
simulators.AlipayFaults.Plan = Chaos("20000/isp.unknow-error");
simulators.WeChatPayFaults.Plan = Chaos("500/SYSTEM_ERROR");
simulators.CardFaults.Plan = Chaos("500/internal_error");
simulators.UnionPayFaults.Plan = Chaos("04");

var watch = Stopwatch.StartNew();
var created = new System.Collections.Concurrent.ConcurrentBag<string>();
var refused = 0;
using var browser = new HttpClient();
await Parallel.ForEachAsync(Enumerable.Range(0, total), new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (i, _) =>
{
    int roll;
    lock (random)
    {
        roll = random.Next(4);
    }
    var request = new CreatePaymentRequest
    {
        RequestId = Guid.NewGuid().ToString(),
        AmountMinor = 10_000 + i,
        Currency = roll == 3 ? "USD" : "CNY",
        Description = $"soak {i}",
        Customer = new Customer { Device = "mobile" },
        PaymentMethod = roll switch
        {
            0 => new PaymentMethod { Channel = "alipay" },
            1 => new PaymentMethod { Channel = "wechatpay" },
            2 => new PaymentMethod { Channel = "unionpay" },
            _ => new PaymentMethod { Card = new CardDetails { Number = "4242424242424242", ExpMonth = 12, ExpYear = 2031 } },
        },
    };
    Payment payment;
    try
    {
        payment = await payments.CreatePaymentAsync(request);
    }
    catch (Grpc.Core.RpcException)
    {
        // A refused request never became a payment; it is retried once with the same request_id.
        try
        {
            payment = await payments.CreatePaymentAsync(request);
        }
        catch (Grpc.Core.RpcException)
        {
            Interlocked.Increment(ref refused);
            return;
        }
    }
    created.Add(payment.Id);
    // The payer pays whatever is shown to them.
    if (payment.State == Payment.Types.State.RequiresAction && payment.NextAction is { } action)
    {
        var attempt = payment.Attempts[^1];
        switch (attempt.Channel)
        {
            case "alipay": simulators.Alipay.BuyerPays(action.QrCode); break;
            case "wechatpay": simulators.WeChatPay.BuyerPays(action.QrCode); break;
            case "unionpay":
                using (await browser.PostAsync(action.RedirectUrl, new FormUrlEncodedContent(action.RedirectForm)))
                {
                }
                simulators.UnionPay.BuyerPays(attempt.ChannelReference);
                break;
        }
    }
});
var createSeconds = watch.Elapsed.TotalSeconds;

// The storm passes; the worker settles what it can.
simulators.AlipayFaults.Plan = FaultPlan.None;
simulators.WeChatPayFaults.Plan = FaultPlan.None;
simulators.CardFaults.Plan = FaultPlan.None;
simulators.UnionPayFaults.Plan = FaultPlan.None;
await Task.Delay(TimeSpan.FromSeconds(20));

var states = new Dictionary<string, int>();
var readBack = new List<(string Id, CheckedPayment? Payment)>();
foreach (var id in created)
{
    Payment p;
    try
    {
        p = await payments.GetPaymentAsync(new GetPaymentRequest { Id = id });
    }
    catch (Grpc.Core.RpcException)
    {
        readBack.Add((id, null));
        continue;
    }
    states[p.State.ToString()] = states.GetValueOrDefault(p.State.ToString()) + 1;
    var state = p.State switch
    {
        Payment.Types.State.Succeeded => CheckedState.Succeeded,
        Payment.Types.State.Failed => CheckedState.Failed,
        Payment.Types.State.Canceled => CheckedState.Canceled,
        Payment.Types.State.Expired => CheckedState.Expired,
        Payment.Types.State.RequiresAction => CheckedState.RequiresAction,
        _ => CheckedState.Processing,
    };
    readBack.Add((id, new CheckedPayment(id, state, p.Attempts
        .Select(a => new CheckedAttempt(a.Channel, a.ChannelReference, a.State is Attempt.Types.State.Unknown or Attempt.Types.State.Pending)).ToList())));
}
// The same rules as `paygate drill` (src/Cli/Drills/Ledger/LedgerCheck.cs, compiled in), on the in-process simulators' ledgers.
var verdict = LedgerCheck.Check(readBack, a => new Money(
    a.Channel switch
    {
        "alipay" => simulators.Alipay.Ledger.Count(e => e.OutTradeNo == a.Reference && e.Kind == "charge"),
        "wechatpay" => simulators.WeChatPay.Ledger.Count(e => e.OutTradeNo == a.Reference && e.Kind == "charge"),
        "unionpay" => simulators.UnionPay.Ledger.Count(e => e.OrderId == a.Reference && e.Kind == "charge"),
        _ => simulators.Card.Ledger.Count(e => e.Reference == a.Reference && e.Kind == "charge"),
    },
    a.Channel switch
    {
        "alipay" => simulators.Alipay.Ledger.Count(e => e.OutTradeNo == a.Reference && e.Kind == "refund"),
        "wechatpay" => simulators.WeChatPay.Ledger.Count(e => e.OutTradeNo == a.Reference && e.Kind == "refund"),
        "unionpay" => simulators.UnionPay.Ledger.Count(e => e.OrderId == a.Reference + "R1" && e.Kind == "refund"),
        _ => simulators.Card.Ledger.Count(e => e.Reference == a.Reference && e.Kind == "refund"),
    }));
var violations = verdict.Violations.ToList();
var doubleRefunded = verdict.SecondChargesRefunded;

Console.WriteLine($"soak: {total} requested, {created.Count} created, {refused} refused twice, in {createSeconds:F1} s ({created.Count / createSeconds:F0} payments/s)");
Console.WriteLine("states: " + string.Join(", ", states.OrderBy(s => s.Key).Select(s => $"{s.Key}={s.Value}")));
Console.WriteLine($"double successes refunded: {doubleRefunded}; violations: {violations.Count}");
foreach (var v in violations.Take(20))
{
    Console.WriteLine("  " + v);
}
await gateway.StopAsync();
Directory.Delete(data, recursive: true);
return violations.Count == 0 ? 0 : 1;
