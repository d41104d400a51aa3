using Microsoft.Extensions.Logging.Console;
using Paygate.Adapters.Alipay;
using Paygate.Adapters.BankTransfer;
using Paygate.Adapters.Card;
using Paygate.Adapters.Swift;
using Paygate.Adapters.UnionPay;
using Paygate.Adapters.WeChatPay;
using Paygate.Gateway.Extensions;
using Paygate.Gateway.Risk.Verification;
using Paygate.Gateway.Sandbox;
using Paygate.Gateway.Security;

namespace Paygate.Gateway;

/// <summary>Builds the gateway host; <c>Program</c> runs it, end-to-end tests start it with their own settings.</summary>
public static class GatewayApp
{
    public static async Task<WebApplication> BuildAsync(string[] args, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }
        // A file of extra settings, e.g. the credentials the standalone simulators write: --ConfigFile path.
        if (builder.Configuration["ConfigFile"] is { Length: > 0 } file)
        {
            builder.Configuration.AddJsonFile(Path.GetFullPath(file), optional: false);
        }
        var simulators = await SandboxSimulators.StartIfUnconfiguredAsync(builder);
        var environment = GatewayEnvironment.From(builder.Configuration, simulators is not null);
        builder.Services.AddSingleton(environment);
        if (environment.IsSandbox)
        {
            // No payer's phone in the sandbox: risk challenges' codes are logged and shown at /sandbox/verification-codes.
            builder.Services.AddSandboxVerification();
        }
        // A burst of log lines never makes a request wait on the console: past its queue, lines are dropped.
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.QueueFullMode = ConsoleLoggerQueueFullMode.DropWrite);

        builder.Services.AddPaygate(builder.Configuration);
        // A channel is on when its settings section exists.
        var channels = builder.Configuration.GetSection("Channels");
        if (channels.GetSection("Alipay").Exists())
        {
            builder.Services.AddAlipayChannel();
        }
        if (channels.GetSection("WeChatPay").Exists())
        {
            builder.Services.AddWeChatPayChannel();
        }
        if (channels.GetSection("Card").Exists())
        {
            builder.Services.AddCardChannel();
        }
        if (channels.GetSection("UnionPay").Exists())
        {
            builder.Services.AddUnionPayChannel();
        }
        if (channels.GetSection("BankTransfer").Exists())
        {
            builder.Services.AddBankTransferChannel();
        }
        if (channels.GetSection("Swift").Exists())
        {
            builder.Services.AddSwiftChannel();
        }

        var app = builder.Build();
        try
        {
            ActivatorUtilities.CreateInstance<PlaintextEndpointGuard>(app.Services).Check();
        }
        catch
        {
            // Refused before anything listens or the store is opened; in-process simulators are stopped with it.
            await app.DisposeAsync();
            if (simulators is not null)
            {
                await simulators.DisposeAsync();
            }
            throw;
        }
        await app.InitializeStoreAsync();
        app.MapPaygate();
        return app;
    }
}
