using System.Text.Json;
using System.Text.Json.Serialization;

namespace Paygate.Cli.Drills.Figures;

/// <summary>The one JSON form of <see cref="DrillFigures"/>: the <c>--report-json</c> file, <c>--json</c> on stdout, and the data inside the HTML report.</summary>
public static class DrillJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>The figures as JSON; &lt;, &gt; and &amp; are escaped (System.Text.Json's default), so the text is safe inside a script element.</summary>
    public static string Write(DrillFigures figures) => JsonSerializer.Serialize(figures, Options);
}
