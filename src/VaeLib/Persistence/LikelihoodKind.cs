namespace VaeLib.Persistence;

/// <summary>The built-in likelihoods a <see cref="VaeArchitecture"/> can describe.</summary>
public enum LikelihoodKind
{
    /// <summary><see cref="Likelihoods.BernoulliLikelihood"/>.</summary>
    Bernoulli,

    /// <summary><see cref="Likelihoods.GaussianLikelihood"/> with <see cref="VaeArchitecture.GaussianVariance"/>.</summary>
    Gaussian,
}
