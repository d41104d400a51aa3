using System.Text;
using System.Text.Json;

namespace Paygate.Cli.Drills.Scenarios;

/// <summary>
/// Where a JSON path (<c>$.phases[1].network</c>, as System.Text.Json writes paths) is in a file: its line and column, so that an
/// error found after parsing names the line as a parse error does.
/// </summary>
public static class JsonLocation
{
    /// <summary>The 1-based line and column of <paramref name="path"/>'s property name (or value, in an array), or null when absent.</summary>
    public static (int Line, int Column)? Find(byte[] json, string path)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var open = new List<Container>();
        string? name = null;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    open.RemoveAt(open.Count - 1);
                    continue;
                }
                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    name = reader.GetString();
                    if (open[^1].Path + "." + name == path)
                    {
                        return At(json, reader.TokenStartIndex);
                    }
                    continue;
                }
                string here;
                if (open.Count == 0)
                {
                    here = "$";
                }
                else if (open[^1].IsArray)
                {
                    here = open[^1].Path + "[" + ++open[^1].Index + "]";
                }
                else
                {
                    here = open[^1].Path + "." + name;
                }
                if (here == path)
                {
                    return At(json, reader.TokenStartIndex);
                }
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    open.Add(new Container(here, reader.TokenType == JsonTokenType.StartArray));
                }
            }
        }
        catch (JsonException)
        {
            // The file parsed before this is asked; a reader that disagrees just finds nothing.
        }
        return null;
    }

    private static (int Line, int Column) At(byte[] json, long offset)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < offset; i++)
        {
            if (json[i] == (byte)'\n')
            {
                line++;
                lineStart = i + 1;
            }
        }
        return (line, Encoding.UTF8.GetCharCount(json, lineStart, (int)offset - lineStart) + 1);
    }

    private sealed class Container(string path, bool isArray)
    {
        public string Path { get; } = path;
        public bool IsArray { get; } = isArray;
        public int Index { get; set; } = -1;
    }
}
