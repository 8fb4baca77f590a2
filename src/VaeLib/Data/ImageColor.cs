namespace VaeLib.Data;

/// <summary>The channels <see cref="ImageFolderLoader"/> keeps.</summary>
public enum ImageColor
{
    /// <summary>One channel of luma (0.299 R + 0.587 G + 0.114 B).</summary>
    Grayscale,

    /// <summary>Three channels: red, green, blue.</summary>
    Rgb,
}
