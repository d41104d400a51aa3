namespace Paygate.Gateway.Storage;

/// <summary>
/// The gateway's own folder (owner-only, beside the embedded database): where keys it generates for itself are kept
/// when none is configured.
/// </summary>
/// <param name="Path">The folder's full path.</param>
public sealed record DataFolder(string Path)
{
    /// <summary>A file in the folder.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);
}
