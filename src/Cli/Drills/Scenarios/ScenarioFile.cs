using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Paygate.Cli.Failures;

namespace Paygate.Cli.Drills.Scenarios;

/// <summary>
/// Finds and reads a scenario: a file path, or the name of one in a <c>drills/</c> folder (the current folder's or a parent's, or
/// the program's). Any problem is a <see cref="UsageException"/> in one line: <c>file:line:column: what is wrong</c>.
/// </summary>
public static partial class ScenarioFile
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>Reads the scenario <paramref name="nameOrPath"/> names.</summary>
    public static Scenario Load(string nameOrPath, string? workingDirectory = null)
    {
        var path = Resolve(nameOrPath, workingDirectory ?? Directory.GetCurrentDirectory());
        byte[] json;
        try
        {
            json = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read the scenario {path}: {e.Message}");
        }
        return Parse(json, path);
    }

    /// <summary>Reads a scenario from <paramref name="json"/>; <paramref name="file"/> names it in messages.</summary>
    public static Scenario Parse(byte[] json, string file)
    {
        Scenario? scenario;
        try
        {
            scenario = JsonSerializer.Deserialize<Scenario>(json, Options);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $"{file}:{line + 1}:{(e.BytePositionInLine ?? 0) + 1}" : file;
            throw new UsageException($"{where}: {Explain(e)}");
        }
        if (scenario is null)
        {
            throw new UsageException($"{file}:1:1: a scenario is a JSON object, not null");
        }
        if (ScenarioRules.FirstProblem(scenario) is var (path, problem))
        {
            var where = Locate(json, path) is var (line, column) ? $"{file}:{line}:{column}" : file;
            throw new UsageException($"{where}: {path[2..]} {problem}");
        }
        return scenario;
    }

    /// <summary>Where <paramref name="path"/> is, or the nearest enclosing field that is in the file (a default value has no line).</summary>
    private static (int Line, int Column)? Locate(byte[] json, string path)
    {
        for (var at = path; at.Length > 1; at = at[..Math.Max(1, at.LastIndexOfAny(['.', '[']))])
        {
            if (JsonLocation.Find(json, at) is { } found)
            {
                return found;
            }
        }
        return null;
    }

    /// <summary>The scenarios' folder nearest to <paramref name="workingDirectory"/>, if any.</summary>
    public static string? Folder(string workingDirectory)
    {
        foreach (var start in new[] { workingDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "drills");
                if (Directory.Exists(candidate) && Directory.EnumerateFiles(candidate, "*.json").Any())
                {
                    return candidate;
                }
            }
        }
        return null;
    }

    private static string Resolve(string nameOrPath, string workingDirectory)
    {
        var given = Path.Combine(workingDirectory, nameOrPath);
        if (File.Exists(given))
        {
            return given;
        }
        if (!ScenarioName().IsMatch(nameOrPath))
        {
            throw new UsageException($"no scenario file {given}");
        }
        var folder = Folder(workingDirectory);
        if (folder is null)
        {
            throw new UsageException($"unknown scenario '{nameOrPath}': no drills/ folder here or above; give the scenario file's path");
        }
        var file = Path.Combine(folder, nameOrPath + ".json");
        if (!File.Exists(file))
        {
            var known = Directory.EnumerateFiles(folder, "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal);
            throw new UsageException($"unknown scenario '{nameOrPath}': the scenarios in {folder} are {string.Join(", ", known)} (or give a file's path)");
        }
        return file;
    }

    /// <summary>System.Text.Json's message without its "Path: ... | LineNumber: ..." tail (the location is said first), in the scenario's terms.</summary>
    private static string Explain(JsonException e)
    {
        var message = e.Message;
        var tail = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (tail >= 0)
        {
            message = message[..tail];
        }
        var field = e.Path is { Length: > 2 } p ? p[2..] : null;
        if (message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            return $"{field}: unknown field (see drills/README.md for the fields a scenario has)";
        }
        if (message.Contains("missing required properties", StringComparison.Ordinal))
        {
            var names = message[(message.IndexOf("including:", StringComparison.Ordinal) + "including:".Length)..].Trim().TrimEnd('.');
            return $"{(field is null ? "the scenario" : field)} lacks {names}";
        }
        if (message.Contains("could not be converted to", StringComparison.Ordinal))
        {
            return $"{field}: a value of the wrong type";
        }
        return FailureReport.OneLine(message);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*$")]
    private static partial Regex ScenarioName();
}
