using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Paygate.Gateway.Evidence;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Tests.Storage.Contract;

/// <summary>
/// The evidence chain as every store keeps it, on SQLite and a real PostgreSQL: each saved change appends a link in its own
/// transaction, and whoever edits, deletes, reorders or cuts short the rows behind the stores' backs is caught at the first link
/// that no longer checks.
/// </summary>
public sealed class EvidenceChainContractTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    public static TheoryData<string> Providers => TestStores.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task EveryChange_AppendsALink_DescribingThePaymentAfterIt_AndTheChainVerifies(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        var payment = TestPayments.New(_clock, amount: 12_345);
        payment.PayerContext = new PayerContext("203.0.113.7", null, null);
        await stores.Payments.InsertAsync(payment, PaymentEventTypes.Created, null, CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(3));
        payment.State = PaymentState.Succeeded;
        payment.UpdateTime = _clock.GetUtcNow();
        Assert.True(await stores.Payments.TryUpdateAsync(payment, 1, PaymentEventTypes.Succeeded, null, CancellationToken.None));
        // A change that is not saved (a stale version) appends nothing.
        Assert.False(await stores.Payments.TryUpdateAsync(payment, 1, PaymentEventTypes.Canceled, null, CancellationToken.None));

        var links = await stores.Evidence.LinksAsync(0, 10, CancellationToken.None);

        Assert.Equal([1L, 2L], links.Select(l => l.Sequence));
        Assert.Equal(
            [(PaymentEventTypes.Created, PaymentState.Processing), (PaymentEventTypes.Succeeded, PaymentState.Succeeded)],
            links.Select(l => (l.Entry.EventType, l.Entry.State)));
        Assert.All(links, l => Assert.Equal((payment.Id, 12_345L, "CNY", "203.0.113.7"), (l.Entry.PaymentId, l.Entry.AmountMinor, l.Entry.Currency, l.Entry.PayerIp)));
        Assert.Equal(payment.UpdateTime.ToUnixTimeMilliseconds(), links[1].Entry.Time.ToUnixTimeMilliseconds());
        Assert.Equal(EvidenceLink.Genesis, links[0].PreviousHash);
        Assert.Equal(links[0].Hash, links[1].PreviousHash);
        // The hash is SHA-256 over the previous hash and the documented bytes (the database computes it on PostgreSQL).
        var entry = "19:paygate-evidence-v1,1:2," + Netstring(payment.UpdateTime.ToUnixTimeMilliseconds().ToString()) + Netstring(payment.Id)
            + "17:payment.succeeded,5:12345,3:CNY,9:SUCCEEDED,11:203.0.113.7,";
        Assert.Equal(entry, Encoding.UTF8.GetString(links[1].Entry.Encode()));
        Assert.Equal(System.Security.Cryptography.SHA256.HashData([.. links[0].Hash, .. Encoding.UTF8.GetBytes(entry)]), links[1].Hash);
        var verification = await new EvidenceVerifier(stores.Evidence).VerifyAsync(CancellationToken.None);
        Assert.True(verification.Intact, verification.Detail);
        Assert.Equal((2L, 2L), (verification.LinksChecked, verification.Last!.Sequence));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AChangeRolledBack_LeavesNoLinkAndNoHole(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        var first = TestPayments.New(_clock);
        await stores.Payments.InsertAsync(first, PaymentEventTypes.Created, Key("k1", first.Id), CancellationToken.None);
        var second = TestPayments.New(_clock);
        await Assert.ThrowsAsync<IdempotencyKeyTakenException>(() => stores.Payments.InsertAsync(second, PaymentEventTypes.Created, Key("k1", second.Id),
            CancellationToken.None));
        first.State = PaymentState.Canceled;
        await Assert.ThrowsAsync<IdempotencyKeyTakenException>(() => stores.Payments.TryUpdateAsync(first, 1, PaymentEventTypes.Canceled, Key("k1", first.Id),
            CancellationToken.None));
        var third = TestPayments.New(_clock);
        await stores.Payments.InsertAsync(third, PaymentEventTypes.Created, null, CancellationToken.None);

        var links = await stores.Evidence.LinksAsync(0, 10, CancellationToken.None);
        Assert.Equal([(1L, first.Id), (2L, third.Id)], links.Select(l => (l.Sequence, l.Entry.PaymentId)));
        var verification = await new EvidenceVerifier(stores.Evidence).VerifyAsync(CancellationToken.None);
        Assert.True(verification.Intact, verification.Detail);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task EditedEntry_IsAHashMismatchAtItsLink(string provider)
    {
        await using var stores = await ChainOfAsync(provider, 6);
        await stores.ExecuteBehindTheStoresAsync("UPDATE evidence_links SET amount_minor = amount_minor + 100 WHERE sequence = 5");

        await AssertBrokenAsync(stores, 5, EvidenceProblems.HashMismatch);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task DeletedLinkInTheMiddle_IsASequenceGapAtIt(string provider)
    {
        await using var stores = await ChainOfAsync(provider, 6);
        await stores.ExecuteBehindTheStoresAsync("DELETE FROM evidence_links WHERE sequence = 7");

        await AssertBrokenAsync(stores, 7, EvidenceProblems.SequenceGap);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task DeletedLinkWithTheRestRenumbered_IsALinkMismatchWhereItWas(string provider)
    {
        await using var stores = await ChainOfAsync(provider, 6);
        await stores.ExecuteBehindTheStoresAsync("DELETE FROM evidence_links WHERE sequence = 7");
        for (var sequence = 8; sequence <= 12; sequence++)
        {
            await stores.ExecuteBehindTheStoresAsync($"UPDATE evidence_links SET sequence = {sequence - 1} WHERE sequence = {sequence}");
        }

        await AssertBrokenAsync(stores, 7, EvidenceProblems.LinkMismatch);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TwoLinksSwapped_IsALinkMismatchAtTheFirst(string provider)
    {
        await using var stores = await ChainOfAsync(provider, 6);
        await stores.ExecuteBehindTheStoresAsync("UPDATE evidence_links SET sequence = -1 WHERE sequence = 4");
        await stores.ExecuteBehindTheStoresAsync("UPDATE evidence_links SET sequence = 4 WHERE sequence = 5");
        await stores.ExecuteBehindTheStoresAsync("UPDATE evidence_links SET sequence = 5 WHERE sequence = -1");

        await AssertBrokenAsync(stores, 4, EvidenceProblems.LinkMismatch);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TailDeletedPastAPublishedHead_IsTruncated(string provider)
    {
        await using var stores = await ChainOfAsync(provider, 5);
        var head = await Publisher(stores).PublishAsync(CancellationToken.None);
        Assert.Equal(10, head!.Sequence);
        await WriteAsync(stores, 2);
        await stores.ExecuteBehindTheStoresAsync("DELETE FROM evidence_links WHERE sequence >= 8");

        var verification = await AssertBrokenAsync(stores, 8, EvidenceProblems.Truncated);
        Assert.Equal(7, verification.Last!.Sequence);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ChainRewrittenConsistently_IsAHeadMismatchAtThePublishedHead(string provider)
    {
        await using var stores = await ChainOfAsync(provider, 4);
        Assert.Equal(8, (await Publisher(stores).PublishAsync(CancellationToken.None))!.Sequence);
        // Someone with write access edits link 3 and recomputes every hash after it: each link checks on its own.
        var links = await stores.Evidence.LinksAsync(0, 100, CancellationToken.None);
        var previous = links[1].Hash;
        foreach (var link in links.Skip(2))
        {
            var entry = link.Sequence == 3 ? link.Entry with { AmountMinor = 1 } : link.Entry;
            var hash = EvidenceLink.HashOf(previous, entry.Encode());
            await stores.ExecuteBehindTheStoresAsync("UPDATE evidence_links SET amount_minor = @a, previous_hash = @p, hash = @h WHERE sequence = @s",
                ("a", entry.AmountMinor), ("p", previous), ("h", hash), ("s", link.Sequence));
            previous = hash;
        }

        await AssertBrokenAsync(stores, 8, EvidenceProblems.HeadMismatch);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Publisher_StoresTheHeadOnlyWhenItMoved_NewestFirst(string provider)
    {
        await using var stores = await ChainOfAsync(provider, 1);
        var publisher = Publisher(stores);
        Assert.Equal(2, (await publisher.PublishAsync(CancellationToken.None))!.Sequence);
        Assert.Null(await publisher.PublishAsync(CancellationToken.None));
        await WriteAsync(stores, 1);
        var second = await publisher.PublishAsync(CancellationToken.None);

        var heads = await stores.Evidence.HeadsAsync(null, 10, CancellationToken.None);
        Assert.Equal([4L, 2L], heads.Select(h => h.Sequence));
        Assert.Equal(second!.Hash, heads[0].Hash);
        Assert.Equal((await stores.Evidence.LastLinkAsync(CancellationToken.None))!.Hash, heads[0].Hash);
        Assert.Equal([2L], (await stores.Evidence.HeadsAsync(4, 10, CancellationToken.None)).Select(h => h.Sequence));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ConcurrentWrites_LeaveOneChainThatVerifies(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        // On PostgreSQL two instances share the database, and with it the chain.
        TestStores[] instances = provider == TestStores.Postgres ? [stores, await stores.AnotherInstanceAsync()] : [stores];
        const int Payments = 40;
        await Task.WhenAll(Enumerable.Range(0, Payments).Select(async i =>
        {
            var store = instances[i % instances.Length].Payments;
            var payment = TestPayments.New(_clock, amount: 100 + i);
            await store.InsertAsync(payment, PaymentEventTypes.Created, null, CancellationToken.None);
            for (var version = 1; version <= 3; version++)
            {
                payment.State = version == 3 ? PaymentState.Succeeded : PaymentState.RequiresAction;
                Assert.True(await store.TryUpdateAsync(payment, version, version == 3 ? PaymentEventTypes.Succeeded : PaymentEventTypes.RequiresAction, null,
                    CancellationToken.None));
            }
        }));

        var verification = await new EvidenceVerifier(stores.Evidence).VerifyAsync(CancellationToken.None);
        Assert.True(verification.Intact, verification.Detail);
        Assert.Equal(Payments * 4, verification.LinksChecked);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Bundle_ChecksWithSha256sum_FollowingItsOwnSteps_UpToThePublishedHead(string provider)
    {
        await using var stores = await TestStores.OpenAsync(provider, _clock);
        var payment = TestPayments.New(_clock, amount: 777);
        payment.PayerContext = new PayerContext("2001:db8::1", null, null);
        await stores.Payments.InsertAsync(payment, PaymentEventTypes.Created, null, CancellationToken.None);
        await WriteAsync(stores, 2);
        payment.State = PaymentState.Succeeded;
        Assert.True(await stores.Payments.TryUpdateAsync(payment, 1, PaymentEventTypes.Succeeded, null, CancellationToken.None));
        await WriteAsync(stores, 1);
        var head = await Publisher(stores).PublishAsync(CancellationToken.None);
        await WriteAsync(stores, 1);

        var bundle = await new EvidenceBundles(stores.Evidence).ExportAsync(payment.Id, CancellationToken.None);

        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(bundle.Document))), bundle.DocumentSha256);
        using var document = JsonDocument.Parse(bundle.Document);
        var root = document.RootElement;
        Assert.Contains(root.GetProperty("steps").EnumerateArray(), s => s.GetString()!.Contains("| xxd -r -p | sha256sum", StringComparison.Ordinal));
        var links = root.GetProperty("links").EnumerateArray().ToList();
        // From the payment's first link (1) to the published head (8), the other payments' links between included.
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), links.Select(l => l.GetProperty("sequence").GetInt64()));
        Assert.Equal([1L, 6L], links.Where(l => l.GetProperty("of_this_payment").GetBoolean()).Select(l => l.GetProperty("sequence").GetInt64()));
        var previous = new string('0', 64);
        foreach (var link in links)
        {
            Assert.Equal(previous, link.GetProperty("previous_hash").GetString());
            // Step 1, as the bundle says it: printf '%s%s' "$previous_hash" "$entry_hex" | xxd -r -p | sha256sum
            var printed = await ShellAsync("printf '%s%s' \"$1\" \"$2\" | xxd -r -p | sha256sum", link.GetProperty("previous_hash").GetString()!,
                link.GetProperty("entry_hex").GetString()!);
            Assert.Equal(link.GetProperty("hash").GetString() + "  -", printed.Trim());
            previous = link.GetProperty("hash").GetString()!;
        }
        Assert.Equal((head!.Sequence, head.HashHex, true), (root.GetProperty("head").GetProperty("sequence").GetInt64(), root.GetProperty("head").GetProperty("hash").GetString(),
            root.GetProperty("head").GetProperty("published").GetBoolean()));
        Assert.Equal(head.HashHex, previous);
        var text = await ShellAsync("printf '%s' \"$1\" | xxd -r -p", links[5].GetProperty("entry_hex").GetString()!);
        Assert.Contains($"{payment.Id.Length}:{payment.Id},17:payment.succeeded,3:777,3:CNY,9:SUCCEEDED,11:2001:db8::1,", text, StringComparison.Ordinal);
        Assert.Equal(["PROCESSING", "SUCCEEDED"], root.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("state").GetString()));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Bundle_OfAPaymentWithoutLinks_IsNotFound(string provider)
    {
        await using var stores = await ChainOfAsync(provider, 1);
        var refusal = await Assert.ThrowsAsync<PaymentException>(() => new EvidenceBundles(stores.Evidence).ExportAsync(PaymentIds.NewPaymentId(_clock), CancellationToken.None));
        Assert.Equal("PM-6003", refusal.Code.Code);
    }

    private async Task<TestStores> ChainOfAsync(string provider, int payments)
    {
        var stores = await TestStores.OpenAsync(provider, _clock);
        await WriteAsync(stores, payments);
        return stores;
    }

    /// <summary>Payments created and then failed: two links each.</summary>
    private async Task WriteAsync(TestStores stores, int payments)
    {
        for (var i = 0; i < payments; i++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(10));
            var payment = TestPayments.New(_clock, amount: 1000 + i);
            await stores.Payments.InsertAsync(payment, PaymentEventTypes.Created, null, CancellationToken.None);
            payment.State = PaymentState.Failed;
            payment.UpdateTime = _clock.GetUtcNow();
            Assert.True(await stores.Payments.TryUpdateAsync(payment, 1, PaymentEventTypes.Failed, null, CancellationToken.None));
        }
    }

    private ChainHeadPublisher Publisher(TestStores stores) =>
        new(stores.Evidence, stores.Leases, Options.Create(new EvidenceOptions()), _clock, NullLogger<ChainHeadPublisher>.Instance);

    private static async Task<ChainVerification> AssertBrokenAsync(TestStores stores, long sequence, string problem)
    {
        var verification = await new EvidenceVerifier(stores.Evidence).VerifyAsync(CancellationToken.None);
        Assert.False(verification.Intact);
        Assert.Equal((sequence, problem), (verification.FirstBrokenSequence, verification.Problem));
        Assert.Contains(sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), verification.Detail, StringComparison.Ordinal);
        return verification;
    }

    private static IdempotencyRecord Key(string key, string paymentId) =>
        new(TestPayments.Merchant, "create", key, "fingerprint", paymentId, DateTimeOffset.UtcNow);

    private static string Netstring(string text) => $"{Encoding.UTF8.GetByteCount(text)}:{text},";

    private static async Task<string> ShellAsync(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["-c", script, "sh", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await process.StandardError.ReadToEndAsync());
        return output;
    }
}
