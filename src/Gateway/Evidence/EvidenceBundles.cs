using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Paygate.Adapters.Errors;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Evidence;

/// <summary>A payment's evidence bundle: the JSON document and its SHA-256.</summary>
/// <param name="PaymentId">The payment.</param>
/// <param name="Document">The bundle (UTF-8 JSON).</param>
/// <param name="DocumentSha256">SHA-256 of the document's UTF-8 bytes, lowercase hex.</param>
public sealed record EvidenceBundle(string PaymentId, string Document, string DocumentSha256);

/// <summary>
/// Exports one payment's evidence: its entries (decoded, and as their canonical bytes), every link from its first entry to the
/// newest published head that covers its last one (the other payments' links in between are needed to recompute the hashes,
/// so they are given too), that head, and the steps to check it all with <c>xxd</c> and <c>sha256sum</c> or <c>openssl</c>.
/// When no published head covers the payment's last entry yet, the bundle ends at the chain's current last link and says so.
/// </summary>
public sealed class EvidenceBundles(IEvidenceStore store)
{
    public const string Format = "paygate-evidence-bundle-v1";
    private const int Page = 1000;

    public async Task<EvidenceBundle> ExportAsync(string paymentId, CancellationToken cancellationToken)
    {
        var own = await store.PaymentSequencesAsync(paymentId, cancellationToken);
        if (own.Count == 0)
        {
            throw new PaymentException(ErrorCatalogue.PaymentNotFound,
                $"no evidence of payment {paymentId}: no such payment, or it has not changed since the evidence chain began");
        }
        var published = (await store.HeadsAsync(null, 1, cancellationToken)).FirstOrDefault();
        var last = await store.LastLinkAsync(cancellationToken)
            ?? throw new InvalidOperationException("the chain has links of the payment but no last link");
        var covered = published is not null && published.Sequence >= own[^1];
        var (headSequence, headHash) = covered ? (published!.Sequence, published.Hash) : (last.Sequence, last.Hash);
        var links = new List<EvidenceLink>();
        for (var after = own[0] - 1; after < headSequence;)
        {
            var page = await store.LinksAsync(after, Page, cancellationToken);
            if (page.Count == 0)
            {
                break;
            }
            links.AddRange(page.TakeWhile(l => l.Sequence <= headSequence));
            after = page[^1].Sequence;
        }
        var document = Write(paymentId, own.ToHashSet(), links, headSequence, headHash, covered ? published : null);
        return new EvidenceBundle(paymentId, document, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(document))));
    }

    private static string Write(string paymentId, HashSet<long> own, List<EvidenceLink> links, long headSequence, byte[] headHash, ChainHead? published)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("format", Format);
            json.WriteString("payment_id", paymentId);
            json.WriteString("hash_rule", "hash = SHA-256(previous_hash as 32 raw bytes || entry bytes); link 1's previous_hash is 32 zero bytes");
            json.WriteString("entry_encoding", "netstrings (length \":\" UTF-8 bytes \",\") of: \"" + EvidenceEntry.FormatTag
                + "\", sequence, time (unix ms), payment id, event type, amount (minor units), currency, state, payer IP (empty when unknown)");
            json.WriteStartArray("entries");
            foreach (var link in links.Where(l => own.Contains(l.Sequence)))
            {
                var e = link.Entry;
                json.WriteStartObject();
                json.WriteNumber("sequence", e.Sequence);
                json.WriteString("time", e.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
                json.WriteNumber("time_unix_ms", e.Time.ToUnixTimeMilliseconds());
                json.WriteString("event_type", e.EventType);
                json.WriteNumber("amount_minor", e.AmountMinor);
                json.WriteString("currency", e.Currency);
                json.WriteString("state", EvidenceEntry.StateName(e.State));
                json.WriteString("payer_ip", e.PayerIp ?? "");
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("links");
            foreach (var link in links)
            {
                json.WriteStartObject();
                json.WriteNumber("sequence", link.Sequence);
                json.WriteBoolean("of_this_payment", own.Contains(link.Sequence));
                json.WriteString("previous_hash", Convert.ToHexStringLower(link.PreviousHash));
                json.WriteString("entry_hex", Convert.ToHexStringLower(link.Entry.Encode()));
                json.WriteString("hash", Convert.ToHexStringLower(link.Hash));
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartObject("head");
            json.WriteNumber("sequence", headSequence);
            json.WriteString("hash", Convert.ToHexStringLower(headHash));
            json.WriteBoolean("published", published is not null);
            if (published is not null)
            {
                json.WriteString("publish_time", published.PublishTime.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            }
            json.WriteEndObject();
            json.WriteStartArray("steps");
            foreach (var step in Steps(published is not null))
            {
                json.WriteStringValue(step);
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static IEnumerable<string> Steps(bool published)
    {
        yield return "1. For every element of links, in order, recompute its hash: printf '%s%s' \"$previous_hash\" \"$entry_hex\" | xxd -r -p | sha256sum "
            + "(or: ... | xxd -r -p | openssl dgst -sha256). The printed digest must equal its hash.";
        yield return "2. Every element's previous_hash must equal the hash of the element before it.";
        yield return "3. printf '%s' \"$entry_hex\" | xxd -r -p shows an entry as text: for the links of this payment it must say what entries says "
            + "(sequence, time_unix_ms, payment_id, event_type, amount_minor, currency, state, payer_ip, each as length:value,).";
        yield return published
            ? "4. The last element's hash must equal head.hash, and head (sequence and hash) must equal the head the gateway published at head.publish_time "
                + "(its log line \"Evidence chain head published\", or your own copy of it)."
            : "4. No published head covers this payment yet: the last element is the chain's last link at export time. Export again after the next "
                + "publication (Evidence:PublishInterval) to tie it to a published head.";
    }
}
