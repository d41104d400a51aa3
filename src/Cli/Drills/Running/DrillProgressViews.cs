using System.Globalization;
using Spectre.Console;

namespace Paygate.Cli.Drills.Running;

/// <summary>The live progress bars of a drill on a terminal (Spectre.Console): the payments, then the recovery wait.</summary>
public sealed class LiveDrillProgress(ProgressContext context) : IDrillProgress
{
    private ProgressTask? _payments;
    private ProgressTask? _recovery;
    private string _note = "";

    public void PaymentsStarted(int total) => _payments = context.AddTask("payments", maxValue: total);

    public void PaymentDone(int done, int refused)
    {
        if (_payments is { } task)
        {
            task.Value = done;
            task.Description = Markup.Escape($"payments ({refused} refused){_note}");
        }
    }

    public void Note(string text)
    {
        _note = " | " + text;
        if (_payments is { } task)
        {
            task.Description = Markup.Escape($"payments{_note}");
        }
    }

    public void Recovering(int open, int total)
    {
        _recovery ??= context.AddTask("recovery", maxValue: total);
        _recovery.Value = total - open;
        _recovery.Description = Markup.Escape($"recovery: {open} not final");
    }
}

/// <summary>A drill's progress as plain lines (output that is not a terminal): every tenth of the payments, each phase, the recovery.</summary>
public sealed class LineDrillProgress(Action<string> write) : IDrillProgress
{
    private readonly Lock _gate = new();
    private int _total;
    private int _lastTenth;
    private int _lastOpen = -1;

    public void PaymentsStarted(int total)
    {
        _total = total;
        write($"drill: {total} payments");
    }

    public void PaymentDone(int done, int refused)
    {
        var tenth = _total == 0 ? 10 : done * 10 / _total;
        lock (_gate)
        {
            if (tenth <= _lastTenth)
            {
                return;
            }
            _lastTenth = tenth;
        }
        write(string.Create(CultureInfo.InvariantCulture, $"drill: {done}/{_total} payments ({refused} refused)"));
    }

    public void Note(string text) => write("drill: " + text);

    public void Recovering(int open, int total)
    {
        if (open != _lastOpen)
        {
            _lastOpen = open;
            write($"drill: recovery, {open} of {total} payments not final");
        }
    }
}
