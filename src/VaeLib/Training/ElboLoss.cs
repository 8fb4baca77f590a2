using TorchSharp;
using VaeLib.Runtime;
using static TorchSharp.torch;

namespace VaeLib.Training;

/// <summary>
/// The negative evidence lower bound with a KL weight β:
/// L(x) = −E_{q(z|x)}[log p(x|z)] + β·KL(q(z|x) ‖ N(0, I)),
/// with the expectation estimated from K reparameterized samples and the KL in closed form,
/// KL = −½ Σ_d (1 + log σ²_d − μ²_d − σ²_d). With β = 1, −L(x) ≤ log p(x).
/// </summary>
/// <remarks>
/// With free bits λ &gt; 0 (Kingma et al. 2016) the KL part of the loss becomes Σ_d max(λ, KL̄_d), where KL̄_d is the
/// minibatch mean of dimension d's KL: a dimension whose mean KL is below λ is not pushed further towards the prior.
/// The loss spreads that term over the items so that its batch mean is exactly Σ_d max(λ, KL̄_d); the reported
/// <see cref="ElboTerms.Kl"/> is always the true KL.
/// </remarks>
public sealed class ElboLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="beta">KL weight β ≥ 0; 1 is the ELBO, other values give a β-VAE objective.</param>
    /// <param name="freeBits">Free bits λ ≥ 0 in nats per latent dimension; 0 (the default) turns them off.</param>
    public ElboLoss(double beta = 1.0, double freeBits = 0.0)
    {
        Beta = CheckedBeta(beta, nameof(beta));
        FreeBits = freeBits >= 0 && double.IsFinite(freeBits)
            ? freeBits
            : throw new ArgumentOutOfRangeException(nameof(freeBits), freeBits, "Free bits must be finite and non-negative (nats per latent dimension).");
    }

    /// <summary>The KL weight β.</summary>
    public double Beta { get; }

    /// <summary>Free bits λ in nats per latent dimension (0: off).</summary>
    public double FreeBits { get; }

    /// <summary>Computes the loss and its parts for each item of a batch.</summary>
    /// <param name="model">The model.</param>
    /// <param name="input">Batch <c>[N, *S]</c> on the model's device.</param>
    /// <param name="sampleCount">Monte Carlo samples of z per item, K ≥ 1.</param>
    /// <param name="generator">Random generator for ε on the model's device; null uses TorchSharp's default one.</param>
    /// <returns>Per-item terms of shape <c>[N]</c>; <see cref="ElboTerms.Mean"/> gives the minibatch averages.</returns>
    public ElboTerms Evaluate(VariationalAutoencoder model, Tensor input, int sampleCount = 1, Generator? generator = null) =>
        Evaluate(model, input, null, sampleCount, generator, Beta);

    /// <summary>Computes the loss and its parts for each item of a batch, for a conditional or unconditional model.</summary>
    /// <param name="model">The model.</param>
    /// <param name="input">Batch <c>[N, *S]</c> on the model's device.</param>
    /// <param name="condition">Conditions <c>[N, C]</c> for a conditional model; null for an unconditional one.</param>
    /// <param name="sampleCount">Monte Carlo samples of z per item, K ≥ 1.</param>
    /// <param name="generator">Random generator for ε on the model's device; null uses TorchSharp's default one.</param>
    /// <returns>Per-item terms of shape <c>[N]</c>.</returns>
    public ElboTerms Evaluate(VariationalAutoencoder model, Tensor input, Tensor? condition, int sampleCount = 1, Generator? generator = null) =>
        Evaluate(model, input, condition, sampleCount, generator, Beta);

    /// <summary>
    /// Computes the terms with an explicit KL weight in place of <see cref="Beta"/> (the trainer's KL warm-up).
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="input">Batch <c>[N, *S]</c> on the model's device.</param>
    /// <param name="condition">Conditions <c>[N, C]</c>, or null.</param>
    /// <param name="sampleCount">Monte Carlo samples of z per item, K ≥ 1.</param>
    /// <param name="generator">Random generator for ε, or null.</param>
    /// <param name="klWeight">The KL weight for this batch, finite and ≥ 0.</param>
    /// <returns>Per-item terms of shape <c>[N]</c>.</returns>
    public ElboTerms Evaluate(VariationalAutoencoder model, Tensor input, Tensor? condition, int sampleCount, Generator? generator, double klWeight)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckedBeta(klWeight, nameof(klWeight));
        VaeOutput output = model.Forward(input, condition, sampleCount, generator);
        Tensor reconstruction = model.Likelihood.LogProb(input, output.DecoderOutput).mean([0]).neg();
        Tensor? klPerDimension = model.Prior.ClosedFormKlPerDimension(output.Posterior);
        if (klPerDimension is null && FreeBits > 0)
        {
            throw new InvalidOperationException($"Free bits need the KL per latent dimension in closed form, which the prior {model.Prior.Description} does not give for this posterior; turn free bits off.");
        }

        // Without a closed form, KL(q ‖ p) is estimated as E_q[log q(z|x) − log p(z)] on the K samples drawn above.
        Tensor kl = klPerDimension?.sum(-1) ?? output.Posterior.LogDensity(output.Z).sub_(model.Prior.LogDensity(output.Z)).mean([0]);
        using Scalar weight = klWeight.ToScalar(); // disposed here, not left to the finalizer (see Runtime.Scalars)
        Tensor loss = reconstruction.add(FreeBits > 0 ? FreeBitsPenalty(klPerDimension!) : kl, weight);
        return new ElboTerms(loss, reconstruction, kl);
    }

    /// <summary>Per item Σ_d (KL_nd where KL̄_d ≥ λ, else λ): its batch mean is Σ_d max(λ, KL̄_d).</summary>
    private Tensor FreeBitsPenalty(Tensor klPerDimension)
    {
        using Scalar floor = FreeBits.ToScalar();
        Tensor active;
        using (no_grad())
        {
            active = klPerDimension.mean([0]).ge(floor).to_type(klPerDimension.dtype);
        }

        Tensor floored = active.neg().add_(Scalars.One, Scalars.One).mul_(floor);
        return klPerDimension.mul(active).add_(floored, Scalars.One).sum(-1);
    }

    private static double CheckedBeta(double value, string name) =>
        value >= 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(name, value, "β must be finite and non-negative.");
}
