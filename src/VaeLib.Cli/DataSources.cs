using VaeLib.Data;

namespace VaeLib.Cli;

/// <summary>Turns a <c>--data</c> value into training and test sets.</summary>
internal static class DataSources
{
    /// <summary>The embedded default: procedurally drawn sprites.</summary>
    public const string Sprites = "sprites";

    /// <summary>Opens a source by name or path.</summary>
    /// <param name="source">'sprites', a known data set name, a folder of IDX files, or null for sprites.</param>
    /// <param name="seed">Seed of generated data and of dynamic binarization.</param>
    /// <param name="binarization">How image intensities are binarized per batch.</param>
    public static OpenedData Open(string? source, int seed, Binarization binarization = Binarization.None)
    {
        source = string.IsNullOrWhiteSpace(source) ? Sprites : source.Trim();
        if (string.Equals(source, Sprites, StringComparison.OrdinalIgnoreCase))
        {
            var train = SpritesDataset.Generate(new SpritesOptions { Count = 20_000, Seed = seed });
            var test = SpritesDataset.Generate(new SpritesOptions { Count = 2_000, Seed = seed + 1_000_003 });
            return new OpenedData(train, test, Sprites);
        }

        DataSplits splits;
        if (KnownDataSources.Names.Contains(source, StringComparer.OrdinalIgnoreCase))
        {
            splits = IdxDataLoader.LoadKnown(source);
        }
        else if (Directory.Exists(source))
        {
            splits = IdxDataLoader.Load(source);
        }
        else
        {
            throw DataFormatException.For(source, $"no such data set, folder or file. Use '{Sprites}', one of: {string.Join(", ", KnownDataSources.Names)}, or a folder of IDX files.");
        }

        if (binarization == Binarization.None)
        {
            return new OpenedData(splits.Train, splits.Test, source);
        }

        using (splits)
        {
            return new OpenedData(splits.Train.WithBinarization(binarization, (ulong)seed), splits.Test.WithBinarization(binarization, (ulong)seed + 1), source);
        }
    }
}
