using static TorchSharp.torch;

namespace VaeLib.Objectives;

/// <summary>
/// What training minimizes: for a minibatch, a per-item loss and a fixed list of named terms (e.g. <c>recon</c> and
/// <c>kl</c>; a later family may add <c>tc</c>, <c>mi</c> or <c>iw_bound</c>). <see cref="Training.Trainer"/>
/// averages the loss and every term over each epoch and reports them by name, so a new objective needs no edit of
/// the trainer, and it keeps checkpoints, exact resume, divergence checks and the seeded generators.
/// </summary>
/// <remarks>
/// <see cref="ElboObjective"/> (the negative ELBO with β, free bits, K samples and KL warm-up) is the default. Every
/// tensor returned is per item, shape <c>[N]</c>; the trainer minimizes the batch mean of
/// <see cref="ObjectiveTerms.Loss"/>. Do not read values back to the host in <see cref="Compute"/>: the trainer
/// synchronizes once per epoch.
/// </remarks>
public abstract class VaeObjective
{
    /// <summary>The names of the terms, in the order <see cref="Compute"/> returns them; fixed for the objective's life.</summary>
    public abstract IReadOnlyList<string> TermNames { get; }

    /// <summary>Computes the loss and the terms for a minibatch.</summary>
    /// <param name="model">The model, in training mode during training and evaluation mode during validation.</param>
    /// <param name="input">The minibatch <c>[N, *S]</c> on the model's device.</param>
    /// <param name="condition">Conditions <c>[N, C]</c> for a conditional model; null for an unconditional one.</param>
    /// <param name="context">Where training stands, and the generator to draw noise from.</param>
    /// <returns>The per-item loss and one per-item tensor for each of <see cref="TermNames"/>.</returns>
    public abstract ObjectiveTerms Compute(VariationalAutoencoder model, Tensor input, Tensor? condition, ObjectiveContext context);
}
