using System.CommandLine;
using Paygate.Cli.Failures;
using Paygate.Cli.Output;
using Paygate.Client;

namespace Paygate.Cli.Commands;

/// <summary>
/// What one run of a command works with: its parsed arguments, the output, and the clients of the gateway (opened on first use,
/// from <c>--address</c>/<c>--key</c>/<c>--operator-key</c> or their environment variables, and closed at the end).
/// </summary>
public sealed class CommandContext(ParseResult parsed, CliHost host, GlobalOptions options) : IDisposable
{
    private PaygateClient? _client;
    private ChannelsClient? _channels;
    private EvidenceClient? _evidence;

    public ParseResult Parsed => parsed;

    /// <summary>Standard error, for notes that are not results (e.g. where a tail can resume).</summary>
    public TextWriter Error => host.Error;

    /// <summary>Where results go: a table, or JSON with <c>--json</c>.</summary>
    public CliOutput Output { get; } = new(host, parsed.GetValue(options.Json));

    /// <summary>The gateway's address, checked.</summary>
    public Uri Address => GatewayAddress.Resolve(parsed.GetValue(options.Address) ?? host.Variable("PAYGATE_ADDRESS"));

    /// <summary>The merchant API (payments, refunds, events), with the merchant key.</summary>
    public PaygateClient Client => _client ??= OpenClient();

    /// <summary>The operators' ChannelService (channels, error codes), with the operator key.</summary>
    public ChannelsClient Channels => _channels ??= OpenChannels();

    /// <summary>The operators' EvidenceService (the evidence chain), with the operator key.</summary>
    public EvidenceClient Evidence => _evidence ??= OpenOperatorClient("the EvidenceService", (address, key) => new EvidenceClient(address, key));

    /// <summary>The merchant key, for the few calls that are plain HTTP downloads (the bill's CSV); <see cref="Client"/> checks it first.</summary>
    public string MerchantKey => parsed.GetValue(options.Key) ?? host.Variable("PAYGATE_API_KEY") ?? "";

    /// <summary>Whether an operator key was given (option or environment), for commands that can do without one.</summary>
    public bool HasOperatorKey => !string.IsNullOrEmpty(OperatorKey);

    public T Value<T>(Option<T> option) => parsed.GetValue(option)!;

    public T Value<T>(Argument<T> argument) => parsed.GetValue(argument)!;

    public void Dispose()
    {
        _client?.Dispose();
        _channels?.Dispose();
        _evidence?.Dispose();
    }

    private PaygateClient OpenClient()
    {
        var key = parsed.GetValue(options.Key) ?? host.Variable("PAYGATE_API_KEY");
        if (string.IsNullOrEmpty(key))
        {
            throw new UsageException("--key is required (or PAYGATE_API_KEY): the merchant's secret key, sk_test_... or sk_live_...");
        }
        var settings = new PaygateClientOptions { Address = Address, ApiKey = key };
        try
        {
            settings.Validate();
        }
        catch (ArgumentException) when (!key.StartsWith("sk_", StringComparison.Ordinal) || key.Any(c => c is <= ' ' or >= '\u007f'))
        {
            throw new UsageException("--key must be a merchant secret key (sk_test_... or sk_live_...) without spaces");
        }
        return new PaygateClient(settings);
    }

    private string? OperatorKey => parsed.GetValue(options.OperatorKey) ?? host.Variable("PAYGATE_OPERATOR_KEY");

    private ChannelsClient OpenChannels() => OpenOperatorClient("the ChannelService", (address, key) => new ChannelsClient(address, key));

    private T OpenOperatorClient<T>(string service, Func<Uri, string, T> open)
    {
        var key = OperatorKey;
        if (string.IsNullOrEmpty(key))
        {
            throw new UsageException($"--operator-key is required (or PAYGATE_OPERATOR_KEY): {service} is for operators (ok_test_... or ok_live_...)");
        }
        try
        {
            return open(Address, key!);
        }
        catch (ArgumentException)
        {
            throw new UsageException("--operator-key must be an operator secret key (ok_test_... or ok_live_...) without spaces");
        }
    }
}
