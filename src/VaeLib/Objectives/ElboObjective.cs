using VaeLib.Training;
using static TorchSharp.torch;

namespace VaeLib.Objectives;

/// <summary>
/// The negative ELBO, the default objective: L(x) = −E_q[log p(x|z)] + w·KL(q(z|x) ‖ p(z)), estimated from K
/// reparameterized samples, with the KL in closed form where the (posterior, prior) pair has one and by Monte Carlo
/// otherwise. Terms: <c>recon</c> (−E_q[log p(x|z)]) and <c>kl</c> (the true KL, never floored).
/// </summary>
/// <remarks>
/// In training the KL weight w is β, or during a KL warm-up of T epochs β·t/(T·B) after t minibatches of B per
/// epoch, so the first minibatch has weight 0; free bits (<see cref="ElboLoss"/>) floor each dimension's batch-mean
/// KL. In validation w = β and there are no free bits, so with β = 1 the reported loss is the negative ELBO per item,
/// independent of the batch size.
/// </remarks>
public sealed class ElboObjective : VaeObjective
{
    private static readonly string[] Names = ["recon", "kl"];
    private readonly ElboLoss trainingLoss;
    private readonly ElboLoss validationLoss;

    /// <summary>Creates the objective.</summary>
    /// <param name="beta">KL weight β ≥ 0 (1: the ELBO).</param>
    /// <param name="freeBits">Free bits λ ≥ 0 in nats per latent dimension, in training only (0: off).</param>
    /// <param name="klWarmupEpochs">Epochs over which the KL weight rises linearly from 0 to β (0: off).</param>
    /// <param name="sampleCount">Monte Carlo samples of z per item, K ≥ 1.</param>
    public ElboObjective(double beta = 1.0, double freeBits = 0.0, int klWarmupEpochs = 0, int sampleCount = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(klWarmupEpochs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleCount);
        trainingLoss = new ElboLoss(beta, freeBits);
        validationLoss = new ElboLoss(beta);
        KlWarmupEpochs = klWarmupEpochs;
        SampleCount = sampleCount;
    }

    /// <summary>The KL weight β once any warm-up is over.</summary>
    public double Beta => trainingLoss.Beta;

    /// <summary>Free bits λ in nats per latent dimension (0: off).</summary>
    public double FreeBits => trainingLoss.FreeBits;

    /// <summary>Epochs of KL warm-up (0: off).</summary>
    public int KlWarmupEpochs { get; }

    /// <summary>Monte Carlo samples of z per item.</summary>
    public int SampleCount { get; }

    /// <inheritdoc />
    public override IReadOnlyList<string> TermNames => Names;

    /// <summary>The KL weight at a point of training: β, or β·t/T during the warm-up (t minibatches done of T); β in validation.</summary>
    /// <param name="context">Where training stands.</param>
    /// <returns>The weight, in [0, β].</returns>
    public double KlWeight(ObjectiveContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (KlWarmupEpochs == 0 || !context.IsTraining)
        {
            return Beta;
        }

        double done = ((context.Epoch - 1) * (double)context.StepsPerEpoch) + context.Step;
        return Beta * Math.Min(1.0, done / (KlWarmupEpochs * (double)context.StepsPerEpoch));
    }

    /// <inheritdoc />
    public override ObjectiveTerms Compute(VariationalAutoencoder model, Tensor input, Tensor? condition, ObjectiveContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        ElboLoss loss = context.IsTraining ? trainingLoss : validationLoss;
        ElboTerms terms = loss.Evaluate(model, input, condition, SampleCount, context.Generator, KlWeight(context));
        return new ObjectiveTerms(terms.Loss, [terms.Reconstruction, terms.Kl]);
    }
}
