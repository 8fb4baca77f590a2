using VaeLib.Latent;
using static TorchSharp.torch;

namespace VaeLib.Evaluation;

/// <summary>
/// How much each latent dimension is used. A dimension whose posterior mean does not vary with the input carries no
/// information about it: its KL is near 0 and the decoder ignores it (posterior collapse, when most dimensions do this).
/// </summary>
/// <param name="KlPerDimension">Mean over items of KL(q(z_d|x) ‖ N(0, 1)) for each dimension d, in nats.</param>
/// <param name="Activity">
/// A_d = Cov_x(E_q[z_d]), the variance over items of μ_d (Burda, Grosse and Salakhutdinov 2016).
/// </param>
/// <param name="Threshold">A dimension is active when A_d exceeds this.</param>
public sealed record LatentDiagnostics(IReadOnlyList<double> KlPerDimension, IReadOnlyList<double> Activity, double Threshold)
{
    /// <summary>The threshold of Burda et al. (2016): a unit is active when Cov_x(E_q[z_d]) &gt; 0.01.</summary>
    public const double DefaultThreshold = 0.01;

    /// <summary>The number of active dimensions.</summary>
    public int ActiveUnits => Activity.Count(activity => activity > Threshold);

    /// <summary>
    /// True when fewer than a quarter of the dimensions are active (none, for fewer than four): z carries little of the
    /// input, typically because the KL term won (a large β, or a decoder strong enough to model the data alone).
    /// </summary>
    public bool PosteriorCollapse => ActiveUnits * 4 < Activity.Count || ActiveUnits == 0;

    /// <summary>Measures the dimensions' use from a data set's codes.</summary>
    /// <param name="codes">The codes of the items, e.g. the test set's.</param>
    /// <param name="threshold">The activity threshold; default <see cref="DefaultThreshold"/>.</param>
    /// <returns>The diagnostics.</returns>
    public static LatentDiagnostics Of(LatentCodes codes, double threshold = DefaultThreshold)
    {
        ArgumentNullException.ThrowIfNull(codes);
        OptionChecks.FiniteNonNegative(threshold, nameof(threshold), "The threshold");
        using var scope = NewDisposeScope();
        Tensor kl = new GaussianPosterior(codes.Mean, codes.LogVariance).KlPerDimension().to_type(ScalarType.Float64).mean([0]);
        Tensor activity = codes.Mean.to_type(ScalarType.Float64).var(0L, unbiased: false);
        return new LatentDiagnostics(kl.data<double>().ToArray(), activity.data<double>().ToArray(), threshold);
    }
}
