using VaeLib.Data;
using VaeLib.Persistence;

namespace VaeLib.Cli.Commands;

/// <summary>Opens the data a saved model works on, for the commands that load a model.</summary>
internal static class ModelData
{
    /// <summary>The <c>--data</c> option of a model command.</summary>
    public static System.CommandLine.Option<string?> Option() =>
        new("--data") { Description = "Data source for the inputs (default: the one the model was trained on)." };

    /// <summary>The data a model was trained on (same seed and preprocessing, so the same test set), or the one named.</summary>
    public static OpenedData OpenFor(SavedModel saved, string? data, int seed)
    {
        IReadOnlyDictionary<string, string> facts = saved.Metadata;
        // The training seed also chose the test split of a folder or file (and the built-in sprites), so reuse it.
        int dataSeed = int.TryParse(facts.GetValueOrDefault("seed"), out int trained) ? trained : seed;
        var binarization = Enum.TryParse(facts.GetValueOrDefault("binarization"), ignoreCase: true, out Binarization stored) && stored == Binarization.Static
            ? Binarization.Static
            : Binarization.None;
        int imageSize = int.TryParse(facts.GetValueOrDefault("image_size"), out int size) ? size : 28;
        if (imageSize is < 4 or > 1024)
        {
            // A fault of the saved model (exit 1), not of the command line: vae train accepts sides from 4 to 1024 only.
            throw new ModelFormatException($"The model's metadata 'image_size' is {imageSize}; vae train records a side from 4 to 1024, so its model.json is damaged.");
        }

        ImageColor color = Enum.TryParse(facts.GetValueOrDefault("color"), ignoreCase: true, out ImageColor storedColor) ? storedColor : ImageColor.Grayscale;
        // A table is read with the statistics and label column saved with the model, never its own: scores, codes and
        // imputations of another file must be in the units the model was trained in.
        string source = data ?? facts.GetValueOrDefault("data") ?? DataSources.Sprites;
        bool table = source.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);
        var settings = new DataSettings(
            dataSeed,
            binarization,
            imageSize,
            color,
            LabelColumn: table ? LabelColumnIn(source, facts.GetValueOrDefault(DataSources.CsvLabelColumnKey)) : null,
            Standardization: table ? CsvStandardization.FromMetadata(facts) : null);
        OpenedData opened = DataSources.Open(source, settings);
        if (!opened.Test.ItemShape.SequenceEqual(saved.Model.InputShape))
        {
            string found = string.Join(", ", opened.Test.ItemShape);
            opened.Dispose();
            throw DataFormatException.For(opened.Source, $"items have shape [{found}], but the model expects [{string.Join(", ", saved.Model.InputShape)}].");
        }

        return saved.Model.IsConditional ? opened.WithLabelConditions() : opened;
    }

    /// <summary>The model's saved label column when the file has it; a file without it (new data to score) has features only.</summary>
    public static string? LabelColumnIn(string path, string? labelColumn) =>
        labelColumn is not null && File.Exists(path) && CsvDataset.ReadHeader(path).Contains(labelColumn, StringComparer.Ordinal) ? labelColumn : null;
}
