namespace VaeLib.Cli;

/// <summary>Run folders of <c>vae train</c>.</summary>
internal static class RunFiles
{
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
