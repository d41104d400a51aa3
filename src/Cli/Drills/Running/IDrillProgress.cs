namespace Paygate.Cli.Drills.Running;

/// <summary>What a running drill tells the person watching: a live bar on a terminal, plain lines otherwise.</summary>
public interface IDrillProgress
{
    /// <summary>The payments start; <paramref name="total"/> of them.</summary>
    void PaymentsStarted(int total);

    /// <summary>One more payment's create call ended (<paramref name="done"/> so far, <paramref name="refused"/> of them without a payment).</summary>
    void PaymentDone(int done, int refused);

    /// <summary>Something happened: a fault phase started or ended, the recovery wait began...</summary>
    void Note(string text);

    /// <summary>The recovery wait: <paramref name="open"/> payments not final yet, of <paramref name="total"/>.</summary>
    void Recovering(int open, int total);
}
