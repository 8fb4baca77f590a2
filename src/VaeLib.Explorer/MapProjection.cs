namespace VaeLib.Explorer;

/// <summary>The items' codes μ seen in two dimensions: one point per item, in the items' order.</summary>
/// <param name="XAxis">What the horizontal axis shows, e.g. <c>PC 1</c> or <c>z 4</c>.</param>
/// <param name="YAxis">What the vertical axis shows.</param>
/// <param name="X">Horizontal coordinate of each item.</param>
/// <param name="Y">Vertical coordinate of each item.</param>
public sealed record MapProjection(string XAxis, string YAxis, IReadOnlyList<float> X, IReadOnlyList<float> Y);
