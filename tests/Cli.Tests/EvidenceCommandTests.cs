using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Paygate.Cli.Failures;
using Paygate.EndToEnd.Tests;
using Paygate.Gateway.Storage.Sqlite;

namespace Paygate.Cli.Tests;

/// <summary><c>paygate evidence verify | export | heads</c> against the real gateway, with the operator key.</summary>
[Collection(GatewayCollection.Name)]
public sealed class EvidenceCommandTests(GatewayFixture fixture) : CliTestBase(fixture)
{
    [Fact]
    public async Task Verify_IntactChain_ExitsZero_AndAnEditedLink_ExitsTwelveNamingIt()
    {
        var paymentId = await PaidCardPaymentAsync();
        var intact = await Operator("evidence", "verify");
        Assert.True(intact.ExitCode == ExitCodes.Ok, intact.ToString());
        Assert.StartsWith("intact: ", intact.OutLines[0], StringComparison.Ordinal);

        // Someone edits the payment's first link in the database behind the gateway's back, then puts it back.
        var sequence = await EditFirstLinkAsync(paymentId, +1);
        CliRun broken;
        try
        {
            broken = await Operator("evidence", "verify");
        }
        finally
        {
            await EditFirstLinkAsync(paymentId, -1);
        }

        Assert.True(broken.ExitCode == ExitCodes.EvidenceBroken, broken.ToString());
        Assert.Equal($"broken at link {sequence}: hash_mismatch", broken.OutLines[0]);
        Assert.Contains(paymentId, broken.Out, StringComparison.Ordinal);
        var json = await Operator("evidence", "verify", "--json");
        Assert.True(json.ExitCode == ExitCodes.Ok, json.ToString());
        Assert.True(JsonDocument.Parse(json.Out).RootElement.GetProperty("intact").GetBoolean());
    }

    [Fact]
    public async Task Export_ToAFile_WritesTheBundle_WithItsSha256()
    {
        var paymentId = await PaidCardPaymentAsync();
        var file = Path.Combine(Path.GetTempPath(), $"evidence-{Guid.NewGuid():N}.json");
        try
        {
            var run = await Operator("evidence", "export", paymentId, "--out", file);

            Assert.True(run.ExitCode == 0, run.ToString());
            var bytes = await File.ReadAllBytesAsync(file);
            var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
            Assert.Equal($"wrote {file}: evidence of {paymentId}, SHA-256 {sha}", run.OutLines[0]);
            using var bundle = JsonDocument.Parse(Encoding.UTF8.GetString(bytes));
            Assert.Equal(paymentId, bundle.RootElement.GetProperty("payment_id").GetString());
            Assert.NotEmpty(bundle.RootElement.GetProperty("steps").EnumerateArray());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Export_UnknownPayment_IsNotFound_AndHeads_ListsATable()
    {
        var missing = await Operator("evidence", "export", "pay_01JTESTMERCHANT00000000000");
        AssertOneLineFailure(missing, ExitCodes.NotFound);

        var heads = await Operator("evidence", "heads", "--limit", "5");
        Assert.True(heads.ExitCode == 0, heads.ToString());
        Assert.Contains(heads.OutLines, l => l.Contains("sequence", StringComparison.Ordinal) && l.Contains("published", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithoutAnOperatorKey_IsAUsageError()
    {
        var run = await Merchant("evidence", "verify");

        var line = AssertOneLineFailure(run, ExitCodes.Usage);
        Assert.Contains("--operator-key", line, StringComparison.Ordinal);
    }

    /// <summary>Changes the amount of the payment's first link by <paramref name="delta"/>; returns its sequence.</summary>
    private async Task<long> EditFirstLinkAsync(string paymentId, long delta)
    {
        var path = Gateway.Services.GetRequiredService<SqliteDatabase>().Path;
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var find = connection.CreateCommand();
        find.CommandText = "SELECT MIN(sequence) FROM evidence_links WHERE payment_id = $p";
        find.Parameters.AddWithValue("$p", paymentId);
        var sequence = (long)(await find.ExecuteScalarAsync())!;
        await using var edit = connection.CreateCommand();
        edit.CommandText = "UPDATE evidence_links SET amount_minor = amount_minor + $d WHERE sequence = $s";
        edit.Parameters.AddWithValue("$d", delta);
        edit.Parameters.AddWithValue("$s", sequence);
        await edit.ExecuteNonQueryAsync();
        return sequence;
    }
}
