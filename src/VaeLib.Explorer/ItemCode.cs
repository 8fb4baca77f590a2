namespace VaeLib.Explorer;

/// <summary>The posterior q(z|x) = N(μ, diag σ²) of one item.</summary>
/// <param name="Mean">μ, one value per latent dimension.</param>
/// <param name="StandardDeviation">σ, one value per latent dimension.</param>
public sealed record ItemCode(IReadOnlyList<float> Mean, IReadOnlyList<float> StandardDeviation);
