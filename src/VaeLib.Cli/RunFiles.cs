namespace VaeLib.Cli;

/// <summary>Files of a run folder, written so an interrupted run never leaves a half-written one.</summary>
internal static class RunFiles
{
    /// <summary>Writes through a temporary file in the same folder and renames it into place.</summary>
    public static void Write(string path, Action<string> write)
    {
        string temporary = $"{path}.{Guid.NewGuid():N}.tmp{Path.GetExtension(path)}";
        try
        {
            write(temporary);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>A new run folder under runs/ named after the time, with a suffix if that name is taken.</summary>
    public static string NewRunFolder()
    {
        string stem = Path.Combine("runs", DateTime.Now.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture));
        string folder = stem;
        for (int suffix = 2; Directory.Exists(folder); suffix++)
        {
            folder = $"{stem}-{suffix}";
        }

        return folder;
    }
}
