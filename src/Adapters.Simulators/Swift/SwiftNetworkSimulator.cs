using System.Globalization;
using System.Security.Cryptography;
using Paygate.Adapters.Swift;

namespace Paygate.Simulators.Swift;

/// <summary>A transfer the simulated bank took: its message, where it stands, and why it was rejected.</summary>
public sealed record SwiftTransfer(Guid Uetr, string Text, Mt103 Message, string Status, string? Reason, DateTimeOffset Received);

/// <summary>One movement of money the simulated network really made.</summary>
public sealed record SwiftLedgerEntry(Guid Uetr, string SendersReference, string Kind, long AmountMinor, string Currency, DateTimeOffset Time);

/// <summary>A sandbox client of the bank's SWIFT interface.</summary>
public sealed record SwiftSandboxClient(string ApiKey, string SigningSecret, string LogicalTerminal, string ReceiverAddress);

/// <summary>
/// A bank's SWIFT interface, as the gateway sees it: MT103 in (checked by the same rules the gateway uses), ACK or NAK
/// out, and the transfer followed by UETR until the beneficiary's bank credits it (ACCC) or it is rejected (RJCT).
/// A transfer settles on its own after <see cref="SettleAfter"/>, or when a test says so.
/// </summary>
public sealed class SwiftNetworkSimulator(TimeProvider clock)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SwiftSandboxClient> _clients = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, SwiftTransfer> _transfers = [];
    private readonly List<SwiftLedgerEntry> _ledger = [];

    public TimeProvider Clock => clock;

    /// <summary>How long a transfer stays in process (ACSP) before it is credited; null: only when a test says so.</summary>
    public TimeSpan? SettleAfter { get; set; } = TimeSpan.FromSeconds(3);

    public IReadOnlyList<SwiftLedgerEntry> Ledger
    {
        get
        {
            lock (_gate)
            {
                return [.. _ledger];
            }
        }
    }

    public IReadOnlyList<SwiftTransfer> Transfers
    {
        get
        {
            lock (_gate)
            {
                return [.. _transfers.Values];
            }
        }
    }

    public SwiftSandboxClient IssueSandboxClient()
    {
        var client = new SwiftSandboxClient("swk_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)),
            "PAYGCNSHAXXX", "CLDSDEFFAXXX");
        lock (_gate)
        {
            _clients[client.ApiKey] = client;
        }
        return client;
    }

    public SwiftSandboxClient? Authenticate(string? apiKey)
    {
        lock (_gate)
        {
            return apiKey is not null && _clients.TryGetValue(apiKey, out var client) ? client : null;
        }
    }

    /// <summary>Takes an MT103: the service message answering it (ACK, or NAK with the error code).</summary>
    public string Receive(SwiftSandboxClient client, string text)
    {
        var now = clock.GetUtcNow();
        Mt103 message;
        try
        {
            message = Mt103Format.Parse(text);
        }
        catch (SwiftFormatException ex)
        {
            return ServiceMessage(client, now, ex.Violations[0].NetworkCode);
        }
        if (message.SenderLogicalTerminal != client.LogicalTerminal)
        {
            return ServiceMessage(client, now, "H21");
        }
        lock (_gate)
        {
            if (_transfers.TryGetValue(message.Uetr, out var earlier))
            {
                // The same message again (a resend after a lost ACK) is acknowledged once more; another under its UETR is refused.
                return ServiceMessage(client, now, earlier.Text == text ? null : "U13");
            }
            _transfers[message.Uetr] = new SwiftTransfer(message.Uetr, text, message, "ACSP", null, now);
        }
        return ServiceMessage(client, now, null);
    }

    /// <summary>The transfer's status as gpi tracking reports it, settling it first when its time has come.</summary>
    public SwiftTransfer? Status(Guid uetr)
    {
        lock (_gate)
        {
            if (!_transfers.TryGetValue(uetr, out var transfer))
            {
                return null;
            }
            if (transfer.Status == "ACSP" && SettleAfter is { } after && clock.GetUtcNow() >= transfer.Received + after)
            {
                transfer = CreditLocked(transfer);
            }
            return transfer;
        }
    }

    /// <summary>The beneficiary's bank credits the transfer now. False when there is no such transfer in process.</summary>
    public bool Credit(Guid uetr)
    {
        lock (_gate)
        {
            return _transfers.TryGetValue(uetr, out var transfer) && transfer.Status == "ACSP" && CreditLocked(transfer) is not null;
        }
    }

    /// <summary>The transfer is rejected with an ISO 20022 reason code (AM04 insufficient funds, AC01 wrong account...).</summary>
    public bool Reject(Guid uetr, string reason)
    {
        lock (_gate)
        {
            if (!_transfers.TryGetValue(uetr, out var transfer) || transfer.Status != "ACSP")
            {
                return false;
            }
            _transfers[uetr] = transfer with { Status = "RJCT", Reason = reason };
            return true;
        }
    }

    private SwiftTransfer CreditLocked(SwiftTransfer transfer)
    {
        var credited = transfer with { Status = "ACCC" };
        _transfers[transfer.Uetr] = credited;
        _ledger.Add(new SwiftLedgerEntry(transfer.Uetr, transfer.Message.SendersReference, "transfer", transfer.Message.Amount.AmountMinor, transfer.Message.Amount.Currency.Code, clock.GetUtcNow()));
        return credited;
    }

    /// <summary>An ACK (451:0) or NAK (451:1 with 405:code) in the FIN service-message shape.</summary>
    private static string ServiceMessage(SwiftSandboxClient client, DateTimeOffset now, string? error)
    {
        var time = now.UtcDateTime.ToString("yyMMddHHmm", CultureInfo.InvariantCulture);
        var result = error is null ? "{451:0}" : $"{{451:1}}{{405:{error}}}";
        return $"{{1:F21{client.LogicalTerminal}0001000000}}{{4:{{177:{time}}}{result}}}";
    }
}
