namespace VaeLib.Data;

/// <summary>Options of <see cref="ImageFolderLoader.Load"/>.</summary>
public sealed record ImageFolderOptions
{
    private readonly int width = 28;
    private readonly int height = 28;
    private readonly ImageColor color = ImageColor.Grayscale;

    /// <summary>Width every image is resized to, 1 to 4096 pixels. Default 28.</summary>
    public int Width
    {
        get => width;
        init => width = Side(value, nameof(Width));
    }

    /// <summary>Height every image is resized to, 1 to 4096 pixels. Default 28.</summary>
    public int Height
    {
        get => height;
        init => height = Side(value, nameof(Height));
    }

    /// <summary>Grayscale (one channel) or RGB (three). Default grayscale.</summary>
    public ImageColor Color
    {
        get => color;
        init => color = OptionChecks.Defined(value, nameof(Color), "image color");
    }

    private static int Side(int value, string name) => value is >= 1 and <= 4096
        ? value
        : throw new ArgumentOutOfRangeException(name, value, $"{name} must be between 1 and 4096 pixels.");
}
