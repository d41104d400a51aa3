using Paygate.Simulators.Signing;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Paygate.Simulators.Notifications;

namespace Paygate.Simulators.BankTransfer;

/// <summary>A credit the bank booked to the merchant's account, or (<paramref name="Reversal"/>) the debit that took one back.</summary>
public sealed record BookedEntry(string AccountServicerReference, string Amount, string Currency, long AmountMinor, string? EndToEndId, string? Remittance,
    string? VirtualAccount, string DebtorName, string DebtorAccount, DateOnly BookingDate, DateTimeOffset Time, bool Reversal = false);

/// <summary>A per-payment collection: a virtual account the payer pays into.</summary>
public sealed record Collection(string Reference, string VirtualAccount, string Amount, string Currency, string Status, string NotifyUrl);

/// <summary>One movement of money the bank really made.</summary>
public sealed record BankLedgerEntry(string Reference, string Kind, long AmountMinor, string Currency, DateTimeOffset Time);

/// <summary>The merchant's account at the simulated bank, and the credentials of its API.</summary>
public sealed record BankSandboxAccount(string ApiKey, string SigningSecret, string Account, string AccountName, string BankName, string Bic);

/// <summary>
/// A bank holding the merchant's collection account: opens per-payment virtual accounts, books the transfers payers push
/// (a test or a person plays the payer), pushes a signed camt.054 for each booked credit (resending until acknowledged),
/// serves the day's camt.053 statement, and executes refund instructions. Amounts are decimal strings as banks send them.
/// </summary>
public sealed class BankSimulator : IDisposable
{
    public const string SignatureHeader = "Bank-Signature";
    private readonly Lock _gate = new();
    private readonly TimeProvider _clock;
    private readonly Dictionary<string, Collection> _collections = new(StringComparer.Ordinal);
    private readonly List<BookedEntry> _entries = [];
    private readonly Dictionary<string, (string Original, long AmountMinor, string Currency, string BankReference)> _refunds = new(StringComparer.Ordinal);
    private readonly List<BankLedgerEntry> _ledger = [];
    private readonly HashSet<string> _reversed = new(StringComparer.Ordinal);
    private BankSandboxAccount? _account;
    private string? _lastNotifyUrl;
    private int _sequence;

    public BankSimulator(TimeProvider clock)
    {
        _clock = clock;
        Notifier = new NotificationOutbox(
            [TimeSpan.Zero, TimeSpan.FromSeconds(15), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10), TimeSpan.FromHours(1)],
            Build, (status, _) => status is >= 200 and < 300, clock);
    }

    public TimeProvider Clock => _clock;

    public NotificationOutbox Notifier { get; }

    public IReadOnlyList<BankLedgerEntry> Ledger
    {
        get
        {
            lock (_gate)
            {
                return [.. _ledger];
            }
        }
    }

    public IReadOnlyList<BookedEntry> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    public BankSandboxAccount IssueSandboxAccount()
    {
        lock (_gate)
        {
            _account ??= new BankSandboxAccount("bk_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)),
                "6222600100012345678", "Paygate Sandbox Merchant Co., Ltd.", "Sandbox Commercial Bank Shanghai Branch", "SBCBCNSHXXX");
            return _account;
        }
    }

    public BankSandboxAccount? Authenticate(string? apiKey)
    {
        lock (_gate)
        {
            return _account is { } account && apiKey == account.ApiKey ? account : null;
        }
    }

    public Collection Open(string reference, string virtualAccount, string amount, string currency, string notifyUrl)
    {
        lock (_gate)
        {
            _lastNotifyUrl = notifyUrl;
            if (!_collections.TryGetValue(reference, out var collection))
            {
                collection = new Collection(reference, virtualAccount, amount, currency, "OPEN", notifyUrl);
                _collections[reference] = collection;
            }
            return collection;
        }
    }

    public Collection? Find(string reference)
    {
        lock (_gate)
        {
            return _collections.GetValueOrDefault(reference);
        }
    }

    public Collection? Close(string reference)
    {
        lock (_gate)
        {
            if (!_collections.TryGetValue(reference, out var collection))
            {
                return null;
            }
            return _collections[reference] = collection with { Status = "CLOSED" };
        }
    }

    /// <summary>
    /// The payer pushes a transfer: the bank books it and notifies the merchant with a camt.054. The payer may quote the
    /// reference as end-to-end id, in the remittance text, both or neither, and may pay into the payment's virtual account.
    /// Returns the entry's AcctSvcrRef.
    /// </summary>
    public string PayerTransfers(long amountMinor, string currency = "CNY", string? endToEndId = null, string? remittance = null, string? toVirtualAccount = null,
        string debtorName = "上海某某贸易有限公司", string debtorAccount = "6217000010009876543")
    {
        var decimals = currency == "JPY" ? 0 : 2;
        var amount = decimals == 0 ? amountMinor.ToString(CultureInfo.InvariantCulture)
            : (amountMinor / 100).ToString(CultureInfo.InvariantCulture) + "." + (amountMinor % 100).ToString("D2", CultureInfo.InvariantCulture);
        BookedEntry entry;
        string? url;
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            entry = new BookedEntry($"SBCB{now:yyyyMMdd}{++_sequence:D8}", amount, currency, amountMinor, endToEndId, remittance, toVirtualAccount, debtorName, debtorAccount,
                DateOnly.FromDateTime(now.UtcDateTime), now);
            _entries.Add(entry);
            _ledger.Add(new BankLedgerEntry(entry.AccountServicerReference, "credit", amountMinor, currency, now));
            url = _collections.Values.FirstOrDefault(c => c.Reference == endToEndId || c.VirtualAccount == toVirtualAccount)?.NotifyUrl ?? _lastNotifyUrl;
        }
        if (url is not null)
        {
            Notifier.Enqueue(new OutgoingNotification(endToEndId ?? entry.AccountServicerReference, "NTF" + entry.AccountServicerReference, url, "BOOK", new[] { entry }));
        }
        return entry.AccountServicerReference;
    }

    /// <summary>
    /// The payer's bank recalls a booked credit (fraud, a mistaken payment): the bank books its reversal, a debit with
    /// <c>RvslInd</c> true carrying the original's references, and notifies it with a camt.054. Returns the reversal's
    /// AcctSvcrRef, or null when no such credit was booked or it was already reversed.
    /// </summary>
    public string? Reverse(string accountServicerReference)
    {
        BookedEntry reversal;
        string? url;
        lock (_gate)
        {
            var original = _entries.FirstOrDefault(e => e.AccountServicerReference == accountServicerReference && !e.Reversal);
            if (original is null || !_reversed.Add(original.AccountServicerReference))
            {
                return null;
            }
            var now = _clock.GetUtcNow();
            reversal = original with { AccountServicerReference = $"SBCV{now:yyyyMMdd}{++_sequence:D8}", BookingDate = DateOnly.FromDateTime(now.UtcDateTime), Time = now, Reversal = true };
            _entries.Add(reversal);
            _ledger.Add(new BankLedgerEntry(reversal.AccountServicerReference, "reversal", original.AmountMinor, original.Currency, now));
            url = _collections.Values.FirstOrDefault(c => c.Reference == original.EndToEndId || (original.VirtualAccount is not null && c.VirtualAccount == original.VirtualAccount))?.NotifyUrl
                ?? _lastNotifyUrl;
        }
        if (url is not null)
        {
            Notifier.Enqueue(new OutgoingNotification(reversal.EndToEndId ?? reversal.AccountServicerReference, "NTF" + reversal.AccountServicerReference, url, "BOOK", new[] { reversal }));
        }
        return reversal.AccountServicerReference;
    }

    /// <summary>Pushes one camt.054 listing several booked entries again (a bank's repeat, or a batch notification).</summary>
    public void NotifyAgain(params string[] accountServicerReferences)
    {
        BookedEntry[] entries;
        lock (_gate)
        {
            entries = [.. _entries.Where(e => accountServicerReferences.Contains(e.AccountServicerReference))];
        }
        if (_lastNotifyUrl is { } url)
        {
            Notifier.Enqueue(new OutgoingNotification(entries[0].AccountServicerReference, "NTF-AGAIN-" + Guid.NewGuid().ToString("N")[..8], url, "BOOK", entries));
        }
    }

    /// <summary>The day's statement, every credit booked that day.</summary>
    public string StatementFor(DateOnly date)
    {
        lock (_gate)
        {
            var account = _account ?? throw new InvalidOperationException("no account issued");
            return CamtWriter.Statement($"STMT-{date:yyyyMMdd}", account.Account, _entries.Where(e => e.BookingDate == date).ToList(), _clock.GetUtcNow());
        }
    }

    /// <summary>Executes a refund instruction: back to the payer of the credits that quoted <paramref name="original"/>, never more than they paid.</summary>
    public (string Status, string? Reason, string? BankReference) Refund(string reference, string original, long amountMinor, string currency)
    {
        lock (_gate)
        {
            if (_refunds.TryGetValue(reference, out var earlier))
            {
                return earlier.AmountMinor == amountMinor && earlier.Original == original ? ("EXECUTED", null, earlier.BankReference) : ("REJECTED", "DUPL", null);
            }
            var virtualAccount = _collections.GetValueOrDefault(original)?.VirtualAccount;
            var paid = _entries.Where(e => e.Currency == currency && (e.EndToEndId == original || (virtualAccount is not null && e.VirtualAccount == virtualAccount)
                || (e.Remittance?.Contains(original, StringComparison.Ordinal) ?? false))).Sum(e => e.Reversal ? -e.AmountMinor : e.AmountMinor);
            var refunded = _refunds.Values.Where(r => r.Original == original).Sum(r => r.AmountMinor);
            if (paid == 0)
            {
                return ("REJECTED", "NOORIGINAL", null);
            }
            if (refunded + amountMinor > paid)
            {
                return ("REJECTED", "AM02", null);
            }
            var bankReference = $"SBCBR{++_sequence:D8}";
            _refunds[reference] = (original, amountMinor, currency, bankReference);
            _ledger.Add(new BankLedgerEntry(reference, "refund", amountMinor, currency, _clock.GetUtcNow()));
            return ("EXECUTED", null, bankReference);
        }
    }

    /// <summary>Sends a booked credit (or part of it) back to whoever paid it, once per <paramref name="reference"/>.</summary>
    public (string Status, string? Reason) Return(string reference, string entryReference, long amountMinor, string currency)
    {
        lock (_gate)
        {
            if (_refunds.TryGetValue(reference, out var earlier))
            {
                return earlier.Original == entryReference && earlier.AmountMinor == amountMinor ? ("EXECUTED", null) : ("REJECTED", "DUPL");
            }
            var entry = _entries.FirstOrDefault(e => e.AccountServicerReference == entryReference && !e.Reversal);
            if (entry is null || entry.Currency != currency)
            {
                return ("REJECTED", "NOORIGINAL");
            }
            var returned = _refunds.Values.Where(r => r.Original == entryReference).Sum(r => r.AmountMinor);
            if (returned + amountMinor > entry.AmountMinor)
            {
                return ("REJECTED", "AM02");
            }
            _refunds[reference] = (entryReference, amountMinor, currency, $"SBCBT{++_sequence:D8}");
            _ledger.Add(new BankLedgerEntry(reference, "return", amountMinor, currency, _clock.GetUtcNow()));
            return ("EXECUTED", null);
        }
    }

    public (string Status, string? BankReference)? FindRefund(string reference)
    {
        lock (_gate)
        {
            return _refunds.TryGetValue(reference, out var r) ? ("EXECUTED", r.BankReference) : null;
        }
    }

    private HttpRequestMessage Build(OutgoingNotification item)
    {
        var account = _account!;
        var now = _clock.GetUtcNow();
        var xml = CamtWriter.Notification(item.NotificationId, account.Account, (BookedEntry[])item.Order, now);
        var request = new HttpRequestMessage(HttpMethod.Post, item.Url) { Content = new StringContent(xml, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/xml") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation(SignatureHeader, HmacHeader.Sign(xml, account.SigningSecret, now));
        return request;
    }

    public void Dispose() => Notifier.Dispose();
}
