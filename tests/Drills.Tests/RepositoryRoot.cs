namespace Paygate.Drills.Tests;

/// <summary>The repository's root (where Gateway.sln is), found from the test's output folder.</summary>
internal static class RepositoryRoot
{
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Gateway.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Gateway.sln not found above " + AppContext.BaseDirectory);
    }
}
