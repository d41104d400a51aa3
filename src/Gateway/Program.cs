using Paygate.Gateway;
using Paygate.Gateway.Cli;
using Paygate.Simulators.Hosting;

if (AdminCommands.Handles(args))
{
    return await AdminCommands.RunAsync(args, Console.Out, Console.Error);
}

var app = await GatewayApp.BuildAsync(args);
app.Lifetime.ApplicationStarted.Register(() =>
{
    var urls = string.Join(", ", app.Urls);
    var sandbox = app.Services.GetService<SimulatorHost>();
    app.Logger.LogInformation("Paygate is listening on {Urls} (gRPC on the HTTP/2 port, channel notifications on the HTTP/1.1 port)", urls);
    if (sandbox is not null)
    {
        app.Logger.LogInformation(
            """
            Sandbox mode: simulated networks at {Simulators}. Try it (from src/Gateway; the keys are in data/sandbox-*.key):
              grpcurl -plaintext -H "authorization: Bearer $(cat data/sandbox-merchant.key)" -d '{{"amount_minor": 1000, "currency": "CNY", "description": "Cloud server, 1 month"}}' localhost:5080 paygate.v1.PaymentService/CreatePayment
              curl -d qr_code=<next_action.qr_code> {Simulators}/alipay/buyer/pay
              grpcurl -plaintext -H "authorization: Bearer $(cat data/sandbox-merchant.key)" -d '{{"id": "<payment id>"}}' localhost:5080 paygate.v1.PaymentService/GetPayment
            Other channels: "payment_method": {{"channel": "wechatpay"}} (pay: curl -d code_url=... {Simulators}/wechatpay/buyer/pay),
            {{"channel": "unionpay"}} (post next_action.redirect_form, then curl -d orderId=... {Simulators}/unionpay/buyer/pay),
            {{"card": {{"number": "4242424242424242", "exp_month": 12, "exp_year": 2031}}}} with USD 100.00 or more (or CNY, converted).
            Bank transfer: an enterprise customer and more than CNY 5,000.00; pay with
              curl -d amount_minor=<amount> -d reference=<next_action.bank_transfer.reference> {Simulators}/bank/payer/transfer
            SWIFT: "payment_method": {{"channel": "swift", "bank_account": {{"name": "ACME TRADING LTD", "account": "GB82WEST12345698765432"}}}} in USD.
            """, sandbox.BaseUrl, sandbox.BaseUrl, sandbox.BaseUrl, sandbox.BaseUrl, sandbox.BaseUrl);
    }
});
await app.RunAsync();
return 0;
