namespace VaeLib.Data;

/// <summary>The shapes drawn by <see cref="SpritesDataset"/>, as in dSprites (Higgins et al. 2017).</summary>
public enum SpriteShape
{
    /// <summary>A square.</summary>
    Square,

    /// <summary>An ellipse with axes in ratio 1 : 0.55.</summary>
    Ellipse,

    /// <summary>A heart.</summary>
    Heart,
}
