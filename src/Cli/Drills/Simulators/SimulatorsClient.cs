using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Paygate.Cli.Drills.Scenarios;
using Paygate.Cli.Failures;

namespace Paygate.Cli.Drills.Simulators;

/// <summary>
/// The standalone simulators (<c>dotnet run --project src/Adapters.Simulators</c>) over their HTTP tools: each network's fault plan
/// (<c>PUT /&lt;network&gt;/faults</c>), its ledger (<c>GET /&lt;network&gt;/ledger</c>) and its payer (<c>/buyer/pay</c>,
/// <c>/payer/transfer</c>). The drill knows them only by this wire, as an operator's script would.
/// </summary>
public sealed class SimulatorsClient(Uri baseAddress) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public Uri BaseAddress => baseAddress;

    /// <summary>Checks that the simulators answer at <see cref="BaseAddress"/>; a one-line <see cref="UsageException"/> otherwise.</summary>
    public async Task CheckReachableAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync("/alipay/ledger", cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new UsageException($"{baseAddress} answered {(int)response.StatusCode} to GET /alipay/ledger: is --simulators the Paygate simulators' address?");
            }
        }
        catch (HttpRequestException e)
        {
            throw new UsageException($"cannot reach the simulators at {baseAddress} ({FailureReport.OneLine(e.Message)}): start them with dotnet run --project src/Adapters.Simulators, or check --simulators");
        }
    }

    /// <summary>Sets <paramref name="network"/>'s fault plan; <paramref name="faults"/> null clears it. An outage lasts until <paramref name="until"/>.</summary>
    public async Task SetFaultsAsync(string network, PhaseFaults? faults, DateTimeOffset? until, CancellationToken cancellationToken)
    {
        var plan = new JsonObject();
        if (faults is not null)
        {
            plan["latencyMs"] = faults.LatencyMs;
            plan["errorRate"] = faults.ErrorRate;
            if (faults.ErrorCode is { } code)
            {
                plan["errorCode"] = code;
            }
            plan["loseResponseRate"] = faults.LoseResponseRate;
            plan["tamperRate"] = faults.TamperRate;
            plan["timeoutRate"] = faults.TimeoutRate;
            if (faults.TimeoutMs is { } timeout)
            {
                plan["timeoutMs"] = timeout;
            }
            if (faults.Outage && until is { } end)
            {
                plan["outageUntil"] = end.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
            }
            if (faults.Limit is { } limit)
            {
                plan["limit"] = limit;
            }
            plan["methods"] = new JsonArray(faults.Methods.Select(m => (JsonNode)JsonValue.Create(m)).ToArray());
        }
        using var response = await _http.PutAsJsonAsync($"/{network}/faults", plan, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new UsageException($"the simulators refused the fault plan for {network} ({(int)response.StatusCode}): {FailureReport.OneLine(await response.Content.ReadAsStringAsync(cancellationToken))}");
        }
    }

    /// <summary>Clears every network's faults.</summary>
    public async Task ClearAllFaultsAsync(CancellationToken cancellationToken)
    {
        foreach (var network in ScenarioRules.Networks)
        {
            await SetFaultsAsync(network, null, null, cancellationToken);
        }
    }

    /// <summary>What <paramref name="network"/> really moved: each entry's reference (the order number, or the bank's entry reference) and kind.</summary>
    public async Task<IReadOnlyList<LedgerEntry>> LedgerAsync(string network, CancellationToken cancellationToken)
    {
        var entries = await _http.GetFromJsonAsync<JsonElement[]>($"/{network}/ledger", cancellationToken) ?? [];
        var referenceField = network switch
        {
            "alipay" or "wechatpay" => "outTradeNo",
            "unionpay" => "orderId",
            "swift" => "sendersReference",
            _ => "reference",
        };
        return entries.Select(e => new LedgerEntry(network, e.GetProperty(referenceField).GetString() ?? "", e.GetProperty("kind").GetString() ?? "")).ToList();
    }

    /// <summary>Posts a form to one of the simulators' payer endpoints (or to a page a redirect form points at); returns the answer's body when it succeeded.</summary>
    public async Task<string?> PostFormAsync(string pathOrUrl, IEnumerable<KeyValuePair<string, string>> form, CancellationToken cancellationToken)
    {
        using var content = new FormUrlEncodedContent(form);
        using var response = await _http.PostAsync(pathOrUrl, content, cancellationToken);
        return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync(cancellationToken) : null;
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>One line of a network's ledger: <see cref="Kind"/> is charge, refund, credit (bank), transfer (SWIFT)...</summary>
public sealed record LedgerEntry(string Network, string Reference, string Kind);
