using VaeLib.Persistence;

namespace VaeLib.Cli;

/// <summary>Run folders of <c>vae train</c>.</summary>
internal static class RunFiles
{
    /// <summary>The run's options, read by <c>--resume</c>.</summary>
    public const string OptionsFileName = "options.json";

    /// <summary>The per-epoch metrics.</summary>
    public const string MetricsFileName = "metrics.jsonl";

    /// <summary>The training checkpoint's folder inside the run folder.</summary>
    public const string CheckpointFolderName = "checkpoint";

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

    /// <summary>The files of a previous run that <paramref name="folder"/> holds (empty when none, or when it does not exist).</summary>
    public static IReadOnlyList<string> RunFilesIn(string folder)
    {
        string[] names = [OptionsFileName, MetricsFileName, SavedModel.DescriptionFileName, CheckpointFolderName];
        return names.Where(name => Path.Exists(Path.Combine(folder, name))).ToArray();
    }

    /// <summary>Deletes the run folder's checkpoint, if any.</summary>
    public static void DeleteCheckpoint(string folder)
    {
        string checkpoint = Path.Combine(folder, CheckpointFolderName);
        if (Directory.Exists(checkpoint))
        {
            Directory.Delete(checkpoint, recursive: true);
        }
    }
}
