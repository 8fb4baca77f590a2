using TorchSharp;
using static TorchSharp.torch;

namespace VaeLib.Training;

/// <summary>
/// The negative evidence lower bound with a KL weight β:
/// L(x) = −E_{q(z|x)}[log p(x|z)] + β·KL(q(z|x) ‖ N(0, I)),
/// with the expectation estimated from K reparameterized samples and the KL in closed form,
/// KL = −½ Σ_d (1 + log σ²_d − μ²_d − σ²_d). With β = 1, −L(x) ≤ log p(x).
/// </summary>
public sealed class ElboLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="beta">KL weight β ≥ 0; 1 is the ELBO, other values give a β-VAE objective.</param>
    public ElboLoss(double beta = 1.0)
    {
        if (!(beta >= 0) || double.IsInfinity(beta))
        {
            throw new ArgumentOutOfRangeException(nameof(beta), beta, "β must be finite and non-negative.");
        }

        Beta = beta;
    }

    /// <summary>The KL weight β.</summary>
    public double Beta { get; }

    /// <summary>Computes the loss and its parts for each item of a batch.</summary>
    /// <param name="model">The model.</param>
    /// <param name="input">Batch <c>[N, *S]</c> on the model's device.</param>
    /// <param name="sampleCount">Monte Carlo samples of z per item, K ≥ 1.</param>
    /// <param name="generator">Random generator for ε on the model's device; null uses TorchSharp's default one.</param>
    /// <returns>Per-item terms of shape <c>[N]</c>; <see cref="ElboTerms.Mean"/> gives the minibatch averages.</returns>
    public ElboTerms Evaluate(VariationalAutoencoder model, Tensor input, int sampleCount = 1, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        VaeOutput output = model.Forward(input, sampleCount, generator);
        Tensor reconstruction = model.Likelihood.LogProb(input, output.DecoderOutput).mean([0]).neg();
        Tensor kl = output.Posterior.KlToStandardNormal();
        using Scalar beta = Beta.ToScalar(); // disposed here, not left to the finalizer (see Runtime.Scalars)
        Tensor loss = reconstruction.add(kl, beta);
        return new ElboTerms(loss, reconstruction, kl);
    }
}
