using System.Globalization;

namespace Paygate.Gateway.Reports;

/// <summary>
/// Which days are worked: Monday to Friday, less the calendar's public holidays, plus its exchanged workdays (a weekend day
/// worked in exchange for a bridge day, as China's schedule has). Read from a text file, one day a line
/// (<c>2025-10-01 holiday National Day</c>, <c>2025-09-28 workday National Day exchange</c>), so that next year's notice is an
/// edit of data; the shipped file is China's for 2025 to 2027.
/// </summary>
public sealed class HolidayCalendar
{
    private readonly Dictionary<DateOnly, bool> _exceptions;

    public HolidayCalendar(string name, IReadOnlyDictionary<DateOnly, bool> workingByDay)
    {
        Name = name;
        _exceptions = new Dictionary<DateOnly, bool>(workingByDay);
    }

    /// <summary>The calendar's file name, shown on the report.</summary>
    public string Name { get; }

    public bool IsWorkingDay(DateOnly day) =>
        _exceptions.TryGetValue(day, out var working) ? working : day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);

    /// <summary>Reads a calendar file; a malformed line is an error naming the line (a silently skipped holiday would skew every report).</summary>
    public static HolidayCalendar Load(string path)
    {
        var days = new Dictionary<DateOnly, bool>();
        var number = 0;
        foreach (var raw in File.ReadLines(path))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var parts = line.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2 || !DateOnly.TryParseExact(parts[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                || parts[1] is not ("holiday" or "workday"))
            {
                throw new FormatException($"{path}:{number}: expected 'YYYY-MM-DD holiday|workday name', got '{raw}'");
            }
            days[day] = parts[1] == "workday";
        }
        return new HolidayCalendar(Path.GetFileName(path), days);
    }
}
