namespace VaeLib.Cli;

/// <summary>Run folders of <c>vae train</c>.</summary>
internal static class RunFiles
{
    /// <summary>What a run folder holds once <c>vae train</c> has written to it.</summary>
    private static readonly string[] RunEntries = ["options.json", "metrics.jsonl", "model.json", "checkpoint"];

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

    /// <summary>The files of an earlier run that a folder holds (for a message), or null when it holds none.</summary>
    public static string? HoldsRun(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return null;
        }

        string[] found = RunEntries
            .Where(name => File.Exists(Path.Combine(folder, name)) || Directory.Exists(Path.Combine(folder, name)))
            .ToArray();
        return found.Length == 0 ? null : string.Join(", ", found);
    }

    /// <summary>Deletes a run folder's checkpoint, so that a run replacing it cannot be resumed from the old run's state.</summary>
    public static void DeleteCheckpoint(string folder)
    {
        string checkpoint = Path.Combine(folder, "checkpoint");
        if (Directory.Exists(checkpoint))
        {
            Directory.Delete(checkpoint, recursive: true);
        }
    }
}
