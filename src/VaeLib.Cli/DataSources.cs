using VaeLib.Data;

namespace VaeLib.Cli;

/// <summary>Turns a <c>--data</c> value into training and test sets.</summary>
internal static class DataSources
{
    /// <summary>The embedded default: procedurally drawn sprites.</summary>
    public const string Sprites = "sprites";

    public static DataSplits Open(string? source, int seed)
    {
        source = string.IsNullOrWhiteSpace(source) ? Sprites : source.Trim();
        if (string.Equals(source, Sprites, StringComparison.OrdinalIgnoreCase))
        {
            var train = SpritesDataset.Generate(new SpritesOptions { Count = 20_000, Seed = seed });
            var test = SpritesDataset.Generate(new SpritesOptions { Count = 2_000, Seed = seed + 1_000_003 });
            return new DataSplits(train, test, Sprites);
        }

        throw new UsageException($"Unknown data source '{source}'. Use 'sprites' (the default).");
    }
}
