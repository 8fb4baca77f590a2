using VaeLib.Data;

namespace VaeLib.Cli;

/// <summary>Turns a <c>--data</c> value into training and test sets.</summary>
internal static class DataSources
{
    /// <summary>The embedded default: procedurally drawn sprites.</summary>
    public const string Sprites = "sprites";

    /// <summary>The metadata key of the CSV column that held labels in training.</summary>
    public const string CsvLabelColumnKey = "csv_label_column";

    /// <summary>Fraction of an image folder or CSV file held out as the test set.</summary>
    public const double TestFraction = 0.1;

    /// <summary>Opens a source by name or path.</summary>
    /// <param name="source">'sprites', a known data set name, a folder of IDX files or images, a .csv file, or null for sprites.</param>
    /// <param name="settings">Seed, binarization and the image and table options.</param>
    public static OpenedData Open(string? source, DataSettings settings)
    {
        source = string.IsNullOrWhiteSpace(source) ? Sprites : source.Trim();
        if (settings.LabelColumn is not null && !source.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException("--label-column applies to CSV files only.");
        }

        if (string.Equals(source, Sprites, StringComparison.OrdinalIgnoreCase))
        {
            var train = SpritesDataset.Generate(new SpritesOptions { Count = 20_000, Seed = settings.Seed });
            var test = SpritesDataset.Generate(new SpritesOptions { Count = 2_000, Seed = settings.Seed + 1_000_003 });
            return new OpenedData(train, test, Sprites, new Dictionary<string, string>(), [train, test]);
        }

        if (KnownDataSources.Names.Contains(source, StringComparer.OrdinalIgnoreCase))
        {
            return FromSplits(IdxDataLoader.LoadKnown(source), source, settings);
        }

        if (File.Exists(source) && source.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            if (settings.Binarization != Binarization.None)
            {
                throw new UsageException("--binarize applies to images only.");
            }

            return OpenCsv(Path.GetFullPath(source), settings);
        }

        if (Directory.Exists(source))
        {
            // A folder is saved with the model by its full path, so the model's commands work from anywhere.
            string folder = Path.GetFullPath(source);
            bool idx = Directory.EnumerateFiles(folder, "train-images-idx3-ubyte*").Any();
            if (idx)
            {
                return FromSplits(IdxDataLoader.Load(folder), folder, settings);
            }

            ImageDataset images = ImageFolderLoader.Load(folder, new ImageFolderOptions { Width = settings.ImageSize, Height = settings.ImageSize, Color = settings.Color });
            if (images.Count < 2)
            {
                long found = images.Count;
                images.Dispose();
                throw DataFormatException.For(folder, $"found {found} image; training needs at least two (one is held out for testing).");
            }

            ImageDataset view = Binarize(images, settings, 0);
            var (trainPart, testPart) = DatasetSubset.Split(view, TestFraction, settings.Seed);
            var metadata = new Dictionary<string, string>
            {
                ["image_size"] = settings.ImageSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["color"] = settings.Color.ToString(),
            };
            return new OpenedData(trainPart, testPart, folder, metadata, view == images ? [images] : [images, view]);
        }

        throw DataFormatException.For(source, $"no such data set, folder or file. Use '{Sprites}', one of: {string.Join(", ", KnownDataSources.Names)}, a folder of IDX files or images, or a .csv file.");
    }

    private static OpenedData OpenCsv(string path, DataSettings settings)
    {
        // A model's own table is always readable: the limit is at least its columns (and the label column).
        int maxColumns = settings.Standardization is { } saved ? Math.Max(settings.MaxColumns, saved.Columns.Count + 1) : settings.MaxColumns;
        CsvDataset table = CsvDataset.Load(path, new CsvOptions { LabelColumn = settings.LabelColumn, Standardization = settings.Standardization, MaxColumns = maxColumns });
        if (table.Count < 2)
        {
            long found = table.Count;
            table.Dispose();
            throw DataFormatException.For(path, $"found {found} row; training needs at least two (one is held out for testing).");
        }

        var (train, test) = DatasetSubset.Split(table, TestFraction, settings.Seed);
        var metadata = new Dictionary<string, string> { [CsvStandardization.MetadataKey] = table.Standardization.ToJson() };
        if (settings.LabelColumn is not null)
        {
            metadata[CsvLabelColumnKey] = settings.LabelColumn;
        }

        return new OpenedData(train, test, path, metadata, [table]);
    }

    private static OpenedData FromSplits(DataSplits splits, string source, DataSettings settings)
    {
        ImageDataset train = Binarize(splits.Train, settings, 0);
        ImageDataset test = Binarize(splits.Test, settings, 1);
        IDisposable[] owned = train == splits.Train ? [splits] : [splits, train, test];
        return new OpenedData(train, test, source, new Dictionary<string, string>(), owned);
    }

    private static ImageDataset Binarize(ImageDataset images, DataSettings settings, int offset) =>
        settings.Binarization == Binarization.None ? images : images.WithBinarization(settings.Binarization, (ulong)(settings.Seed + offset));
}

/// <summary>How to open a data source.</summary>
/// <param name="Seed">Seed of generated data, splits and dynamic binarization.</param>
/// <param name="Binarization">Per-batch binarization of images.</param>
/// <param name="ImageSize">Side of images read from a folder.</param>
/// <param name="Color">Grey or colour images from a folder.</param>
/// <param name="LabelColumn">The CSV column that holds labels, if any.</param>
/// <param name="Standardization">CSV statistics to reuse (those saved with a model), or null to compute them.</param>
/// <param name="MaxColumns">The most columns a CSV file may have (<c>vae train --max-columns</c>).</param>
internal sealed record DataSettings(
    int Seed,
    Binarization Binarization = Binarization.None,
    int ImageSize = 28,
    ImageColor Color = ImageColor.Grayscale,
    string? LabelColumn = null,
    CsvStandardization? Standardization = null,
    int MaxColumns = CsvOptions.DefaultMaxColumns);
