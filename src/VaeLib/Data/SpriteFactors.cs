namespace VaeLib.Data;

/// <summary>The generative factors of one sprite: its labels.</summary>
/// <param name="Shape">Which shape.</param>
/// <param name="Scale">Size, from 0.5 to 1 in six steps.</param>
/// <param name="Rotation">Angle in radians, from 0 to 2π in forty steps.</param>
/// <param name="X">Horizontal position, from 0 (left) to 1 (right) in sixteen steps.</param>
/// <param name="Y">Vertical position, from 0 (top) to 1 (bottom) in sixteen steps.</param>
public readonly record struct SpriteFactors(SpriteShape Shape, double Scale, double Rotation, double X, double Y);
