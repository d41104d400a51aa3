using System.Globalization;

namespace Paygate.Simulators.Alipay;

/// <summary>Alipay amounts are yuan strings with at most two decimals; the simulator keeps fen.</summary>
internal static class AlipayMoney
{
    public static bool TryParseFen(string? yuan, out long fen)
    {
        fen = 0;
        if (string.IsNullOrEmpty(yuan) || yuan.Length > 15)
        {
            return false;
        }
        var dot = yuan.IndexOf('.');
        var whole = dot < 0 ? yuan : yuan[..dot];
        var frac = dot < 0 ? "" : yuan[(dot + 1)..];
        if (whole.Length == 0 || !whole.All(char.IsAsciiDigit) || frac.Length > 2 || (dot >= 0 && frac.Length == 0) || !frac.All(char.IsAsciiDigit))
        {
            return false;
        }
        fen = long.Parse(whole, CultureInfo.InvariantCulture) * 100 + (frac.Length == 0 ? 0 : int.Parse(frac.PadRight(2, '0'), CultureInfo.InvariantCulture));
        return true;
    }

    public static string ToYuan(long fen) => $"{fen / 100}.{fen % 100:D2}";
}
