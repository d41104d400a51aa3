using Google.Protobuf;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Paygate.Cli.Output;

/// <summary>
/// Where a command's results go. Without <c>--json</c>: Spectre.Console tables, coloured only on a terminal without NO_COLOR.
/// With <c>--json</c>: the API's messages in protobuf JSON (one object a line for streams), and nothing else on stdout.
/// </summary>
public sealed class CliOutput
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));
    private readonly CliHost _host;

    public CliOutput(CliHost host, bool json)
    {
        _host = host;
        Json = json;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = host.Colors ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = host.Colors ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = host.IsTerminal ? InteractionSupport.Yes : InteractionSupport.No,
            Out = new AnsiConsoleOutput(host.Out),
        });
        if (!host.IsTerminal)
        {
            // Piped output is read by programs and people's pagers: no wrapping of ids at 80 columns.
            Console.Profile.Width = 240;
        }
    }

    /// <summary>Whether <c>--json</c> was given.</summary>
    public bool Json { get; }

    /// <summary>The console tables and text are written to (never used with <c>--json</c>).</summary>
    public IAnsiConsole Console { get; }

    /// <summary>Whether the output is a live terminal (progress and colours).</summary>
    public bool IsTerminal => _host.IsTerminal;

    /// <summary>Writes one message as JSON on a line of its own.</summary>
    public void WriteJson(IMessage message) => _host.Out.WriteLine(Formatter.Format(message));

    /// <summary>Writes JSON text made by the command (for results that are not one API message).</summary>
    public void WriteJsonText(string json) => _host.Out.WriteLine(json);

    /// <summary>Writes one payment: its JSON, or its table.</summary>
    public void Payment(V1.Payment payment)
    {
        if (Json)
        {
            WriteJson(payment);
        }
        else
        {
            Write(PaymentView.Detail(payment));
        }
    }

    /// <summary>Writes a table, a panel or any other renderable.</summary>
    public void Write(IRenderable renderable) => Console.Write(renderable);

    /// <summary>Writes a line of markup-free text.</summary>
    public void WriteLine(string text) => Console.WriteLine(text);

    /// <summary>Writes a line with Spectre markup (colours show only on a terminal).</summary>
    public void WriteMarkupLine(string markup) => Console.MarkupLine(markup);
}
