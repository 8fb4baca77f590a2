using TorchSharp;
using VaeLib.Latent;
using static TorchSharp.torch;

namespace VaeLib.Imputation;

/// <summary>
/// Fills the missing entries of items with a trained model by running a Markov chain over the latent code z and the
/// missing entries x_m, holding the observed entries x_o fixed (see <see cref="ImputationMethod"/>).
/// </summary>
/// <remarks>
/// The chain starts with the missing entries set to a given fill (zeros by default; a per-entry training mean is a
/// better start) and returns the average of E[x_m | z] over its last steps (see <see cref="ImputationResult"/>).
/// Every item runs its own chain, all in one batch.
/// </remarks>
public sealed class Imputer
{
    private readonly VariationalAutoencoder model;

    /// <summary>Creates an imputer.</summary>
    /// <param name="model">A trained model; its mode (training or evaluation) is left as it is.</param>
    /// <param name="options">Method, steps and fill; null for the defaults.</param>
    /// <exception cref="ArgumentException"><see cref="ImputationOptions.AveragedIterations"/> exceeds <see cref="ImputationOptions.Iterations"/>.</exception>
    public Imputer(VariationalAutoencoder model, ImputationOptions? options = null)
    {
        this.model = model ?? throw new ArgumentNullException(nameof(model));
        Options = options ?? new ImputationOptions();
        if (Options.AveragedIterations > Options.Iterations)
        {
            throw new ArgumentException(
                $"AveragedIterations ({Options.AveragedIterations}) cannot exceed Iterations ({Options.Iterations}).", nameof(options));
        }
    }

    /// <summary>The settings.</summary>
    public ImputationOptions Options { get; }

    /// <summary>Imputes the missing entries of a batch, without recording gradients.</summary>
    /// <param name="input">Batch <c>[N, *InputShape]</c>; observed entries must be finite, missing ones may hold anything (NaN too).</param>
    /// <param name="observed">Bool mask of the same shape, true where the entry is observed; every item needs at least one.</param>
    /// <param name="initialFill">Where the chain starts the missing entries, <c>[*InputShape]</c> or <c>[N, *InputShape]</c>, finite; null for zeros.</param>
    /// <param name="generator">Seeded random generator (TorchSharp's generators live on the CPU); null uses TorchSharp's default one.</param>
    /// <returns>The point estimate, the last draw and the acceptance rate, on the input's device.</returns>
    /// <exception cref="ArgumentException">A shape differs from the model's, the mask is not bool, an item has no observed entry, or an observed entry or the fill is not finite (the item is named).</exception>
    /// <exception cref="NotSupportedException">The model's likelihood cannot draw samples while <see cref="ImputationOptions.SampleMissing"/> is true.</exception>
    public ImputationResult Impute(Tensor input, Tensor observed, Tensor? initialFill = null, Generator? generator = null)
    {
        Check(input, observed, initialFill);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Device device = input.device;
        Tensor mask = observed.to(device);
        Tensor given = where(mask, input, zeros_like(input));
        Tensor start = initialFill is null ? zeros_like(input) : initialFill.to(device).to_type(input.dtype).expand_as(input);
        Tensor x = where(mask, given, start);
        Tensor meanSum = zeros_like(input);
        Tensor z = model.Encode(x).Sample(1, generator)[0];
        double accepted = 0;
        for (int step = 1; step <= Options.Iterations; step++)
        {
            using var stepScope = NewDisposeScope();
            GaussianPosterior posterior = model.Encode(x);
            Tensor parameters;
            if (Options.Method == ImputationMethod.MetropolisWithinGibbs)
            {
                (Tensor next, parameters, double rate) = MetropolisStep(posterior, x, z, generator);
                z.copy_(next);
                accepted += rate;
            }
            else
            {
                z.copy_(posterior.Sample(1, generator)[0]);
                parameters = model.Decode(z);
                accepted += 1;
            }

            Tensor fill = Options.SampleMissing ? model.Likelihood.Sample(parameters, generator) : model.Likelihood.Mean(parameters);
            x.copy_(where(mask, given, fill));
            if (step > Options.Iterations - Options.AveragedIterations)
            {
                meanSum.add_(model.Likelihood.Mean(parameters));
            }
        }

        using Scalar count = ((double)Options.AveragedIterations).ToScalar();
        Tensor imputed = where(mask, given, meanSum.div_(count));
        return new ImputationResult(imputed.MoveToOuterDisposeScope(), x.MoveToOuterDisposeScope(), accepted / Options.Iterations);
    }

    /// <summary>One independence Metropolis–Hastings step for z given the current x, with q(z|x) as the proposal.</summary>
    private (Tensor Z, Tensor Parameters, double AcceptanceRate) MetropolisStep(GaussianPosterior posterior, Tensor x, Tensor current, Generator? generator)
    {
        Tensor proposal = posterior.Sample(1, generator)[0];
        Tensor both = cat([current.unsqueeze(0), proposal.unsqueeze(0)], 0);
        Tensor parameters = model.Decode(both);
        Tensor logWeights = model.Likelihood.LogProb(x, parameters)
            .add_(model.Prior.LogDensity(both))
            .sub_(posterior.LogDensity(both))
            .to_type(ScalarType.Float64);
        Tensor logRatio = logWeights[1] - logWeights[0];
        Tensor uniform = rand([Shapes.Of(logRatio)[0]], dtype: ScalarType.Float64, generator: generator).to(logRatio.device);
        Tensor accept = uniform.log_().lt(logRatio);
        Tensor itemAccept = accept.reshape([-1, .. Enumerable.Repeat(1L, (int)x.dim() - 1)]);
        Tensor chosen = where(itemAccept, parameters[1], parameters[0]);
        Tensor z = where(accept.unsqueeze(1), proposal, current);
        return (z, chosen, accept.to_type(ScalarType.Float64).mean().item<double>());
    }

    private void Check(Tensor input, Tensor observed, Tensor? initialFill)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(observed);
        long[] shape = Shapes.Of(input);
        if (input.dim() != model.InputShape.Count + 1 || !shape.Skip(1).SequenceEqual(model.InputShape) || shape[0] == 0)
        {
            throw new ArgumentException($"Expected a batch of shape [N, {string.Join(", ", model.InputShape)}] with N > 0; found {Shapes.Format(shape)}.", nameof(input));
        }

        if (!Shapes.Of(observed).SequenceEqual(shape))
        {
            throw new ArgumentException($"The mask has shape {Shapes.Format(Shapes.Of(observed))}; it must have the input's shape {Shapes.Format(shape)}.", nameof(observed));
        }

        if (observed.dtype != ScalarType.Bool)
        {
            throw new ArgumentException($"The mask must be a bool tensor (true = observed); found {observed.dtype}.", nameof(observed));
        }

        using var scope = NewDisposeScope();
        Tensor mask = observed.to(input.device);
        long empty = FirstItem(mask.flatten(1).any(1).logical_not());
        if (empty >= 0)
        {
            throw new ArgumentException($"Item {empty} has no observed entry; there is nothing to condition on (drop it, or draw it from the prior with Sample).", nameof(observed));
        }

        long bad = FirstItem(input.isfinite().logical_not().logical_and(mask).flatten(1).any(1));
        if (bad >= 0)
        {
            throw new ArgumentException($"Item {bad} holds NaN or infinite values in observed entries; mark them missing (false in the mask) or fix them.", nameof(input));
        }

        if (initialFill is not null)
        {
            long[] fillShape = Shapes.Of(initialFill);
            if (!fillShape.SequenceEqual(model.InputShape) && !fillShape.SequenceEqual(shape))
            {
                throw new ArgumentException(
                    $"The initial fill has shape {Shapes.Format(fillShape)}; expected {Shapes.Format(model.InputShape)} or {Shapes.Format(shape)}.", nameof(initialFill));
            }

            if (!initialFill.isfinite().all().item<bool>())
            {
                throw new ArgumentException("The initial fill holds NaN or infinite values.", nameof(initialFill));
            }
        }

        if (Options.SampleMissing && model.Likelihood.GetType().GetMethod(nameof(Likelihoods.Likelihood.Sample))!.DeclaringType == typeof(Likelihoods.Likelihood))
        {
            // Fail before the chain starts rather than at its first step.
            throw new NotSupportedException(
                $"The {model.Likelihood.Name} likelihood cannot draw samples of x (it does not override Likelihood.Sample); set {nameof(ImputationOptions)}.{nameof(ImputationOptions.SampleMissing)} = false to fill with the mean.");
        }
    }

    private static long FirstItem(Tensor flags) => flags.any().item<bool>() ? flags.nonzero()[0, 0].item<long>() : -1;
}
