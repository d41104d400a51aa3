using System.Globalization;
using Google.Protobuf.WellKnownTypes;

namespace Paygate.Cli.Output;

/// <summary>Short texts for the API's enums and timestamps in tables (<c>STATE_SUCCEEDED</c> -> <c>SUCCEEDED</c>).</summary>
public static class ProtoText
{
    /// <summary>An enum value's name without its <c>STATE_</c>/<c>TYPE_</c> prefix, in capitals as the protos spell it.</summary>
    public static string Enum<T>(T value) where T : struct, System.Enum
    {
        var name = value.ToString();
        var words = string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : c.ToString())).ToUpperInvariant();
        return words;
    }

    /// <summary>A timestamp in UTC, to the second; empty when unset.</summary>
    public static string Time(Timestamp? time) =>
        time is null ? "" : time.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Spectre markup of a state, coloured by what it means (green done, red failed, yellow waiting).</summary>
    public static string StateMarkup(string state) => state switch
    {
        "SUCCEEDED" => "[green]SUCCEEDED[/]",
        "FAILED" or "DECLINED" => $"[red]{state}[/]",
        "CANCELED" or "EXPIRED" or "CLOSED" => $"[grey]{state}[/]",
        _ => $"[yellow]{Spectre.Console.Markup.Escape(state)}[/]",
    };
}
