namespace VaeLib.Data;

/// <summary>Options of <see cref="SpritesDataset.Generate"/>.</summary>
public sealed record SpritesOptions
{
    private readonly int count = 10_000;
    private readonly int imageSize = 28;

    /// <summary>Number of images. Default 10 000.</summary>
    public int Count
    {
        get => count;
        init => count = OptionChecks.Positive(value, nameof(Count), "The number of sprites");
    }

    /// <summary>Width and height of each image in pixels, 8 to 256. Default 28.</summary>
    public int ImageSize
    {
        get => imageSize;
        init => imageSize = value is >= 8 and <= 256
            ? value
            : throw new ArgumentOutOfRangeException(nameof(ImageSize), value, "The sprite image size must be between 8 and 256 pixels.");
    }

    /// <summary>Seed of the factor draws; the same seed gives the same images. Default 1.</summary>
    public int Seed { get; init; } = 1;
}
