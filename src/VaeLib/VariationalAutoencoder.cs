using TorchSharp;
using VaeLib.Latent;
using VaeLib.Likelihoods;
using VaeLib.Modules;
using static TorchSharp.torch;

namespace VaeLib;

/// <summary>
/// A variational autoencoder: encoder → <see cref="GaussianLatent"/> (μ, log σ²) → reparameterized z → decoder →
/// parameters of the <see cref="Likelihoods.Likelihood"/> p(x|z), with a <see cref="Latent.Prior"/> p(z), N(0, I) by default.
/// </summary>
/// <remarks>
/// The model computes; it knows nothing of epochs, devices or files. Train it with <see cref="Training.Trainer"/>
/// or your own loop over <see cref="Training.ElboLoss"/>.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Naming",
    "CA1708:Identifiers should differ by more than case",
    Justification = "TorchSharp requires the lowercase forward override; Forward is its overload with a sample count.")]
public sealed class VariationalAutoencoder : nn.Module<Tensor, VaeOutput>
{
    private readonly Encoder encoder;
    private readonly GaussianLatent latent;
    private readonly Decoder decoder;
    private readonly Prior prior;

    /// <summary>Composes an unconditional model and checks, with one forward pass on zeros, that the parts fit together.</summary>
    /// <param name="encoder">Maps inputs to features.</param>
    /// <param name="decoder">Maps z to the likelihood's parameters; its latent size is the model's.</param>
    /// <param name="likelihood">The observation model p(x|z).</param>
    /// <exception cref="ArgumentException">The encoder's or decoder's shapes disagree with each other or with what they declare.</exception>
    public VariationalAutoencoder(Encoder encoder, Decoder decoder, Likelihood likelihood)
        : this(encoder, decoder, likelihood, conditionSize: 0)
    {
    }

    /// <summary>
    /// Composes a model, conditional when <paramref name="conditionSize"/> &gt; 0 (a conditional VAE, Sohn et al. 2015):
    /// a condition vector c (e.g. a one-hot label) is appended to the encoder's features before the latent heads, so
    /// q(z|x, c), and to z before the decoder, so p(x|z, c). The decoder therefore reads
    /// <c>LatentSize + conditionSize</c> values: build it with that latent size.
    /// </summary>
    /// <param name="encoder">Maps inputs to features.</param>
    /// <param name="decoder">Maps [z, c] to the likelihood's parameters; its latent size is dim z + <paramref name="conditionSize"/>.</param>
    /// <param name="likelihood">The observation model p(x|z, c).</param>
    /// <param name="conditionSize">Length C of the condition vector; 0 for an unconditional model.</param>
    /// <exception cref="ArgumentException">The parts' shapes disagree, or the decoder leaves no room for z beside the condition.</exception>
    public VariationalAutoencoder(Encoder encoder, Decoder decoder, Likelihood likelihood, int conditionSize)
        : this(encoder, decoder, likelihood, conditionSize, prior: null)
    {
    }

    /// <summary>
    /// Composes a model with a prior of its own (e.g. a learnable mixture): its parameters train and move with the
    /// model, and sampling, the KL term, the importance-weighted estimate and imputation all use it.
    /// </summary>
    /// <param name="encoder">Maps inputs to features.</param>
    /// <param name="decoder">Maps [z, c] to the likelihood's parameters; its latent size is dim z + <paramref name="conditionSize"/>.</param>
    /// <param name="likelihood">The observation model p(x|z, c).</param>
    /// <param name="conditionSize">Length C of the condition vector; 0 for an unconditional model.</param>
    /// <param name="prior">p(z) over dim z = the decoder's latent size − <paramref name="conditionSize"/>; null for N(0, I).</param>
    /// <exception cref="ArgumentException">The parts' shapes disagree, or the prior's latent size is not the model's.</exception>
    public VariationalAutoencoder(Encoder encoder, Decoder decoder, Likelihood likelihood, int conditionSize, Prior? prior)
        : base(nameof(VariationalAutoencoder))
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(likelihood);
        ArgumentOutOfRangeException.ThrowIfNegative(conditionSize);
        if (!encoder.InputShape.SequenceEqual(decoder.OutputShape))
        {
            throw new ArgumentException(
                $"The encoder reads items of shape {Shapes.Format(encoder.InputShape)} but the decoder writes {Shapes.Format(decoder.OutputShape)}; they must agree.",
                nameof(decoder));
        }

        if (decoder.LatentSize <= conditionSize)
        {
            throw new ArgumentException(
                $"A conditional model's decoder reads [z, c]: its latent size ({decoder.LatentSize}) must exceed the condition size ({conditionSize}). Build the decoder with latent size dim z + {conditionSize}.",
                nameof(decoder));
        }

        this.encoder = encoder;
        this.decoder = decoder;
        ConditionSize = conditionSize;
        latent = new GaussianLatent(encoder.OutputSize + conditionSize, decoder.LatentSize - conditionSize);
        if (prior is not null && prior.LatentSize != latent.LatentSize)
        {
            throw new ArgumentException($"The prior {prior.Description} is over {prior.LatentSize} dimensions but the model's z has {latent.LatentSize}.", nameof(prior));
        }

        this.prior = prior ?? new StandardNormalPrior(latent.LatentSize);
        Likelihood = likelihood;
        InputShape = encoder.InputShape;
        RegisterComponents();
        CheckShapes();
    }

    /// <summary>The encoder.</summary>
    public Encoder Encoder => encoder;

    /// <summary>The Gaussian latent layer (the μ and log σ² heads).</summary>
    public GaussianLatent Latent => latent;

    /// <summary>The decoder.</summary>
    public Decoder Decoder => decoder;

    /// <summary>The prior p(z).</summary>
    public Prior Prior => prior;

    /// <summary>The observation model p(x|z).</summary>
    public Likelihood Likelihood { get; }

    /// <summary>Dimension of z.</summary>
    public long LatentSize => latent.LatentSize;

    /// <summary>Length C of the condition vector of a conditional model; 0 for an unconditional one.</summary>
    public int ConditionSize { get; }

    /// <summary>True when the model takes a condition vector (<see cref="ConditionSize"/> &gt; 0).</summary>
    public bool IsConditional => ConditionSize > 0;

    /// <summary>Shape of one data item, without the batch dimension.</summary>
    public IReadOnlyList<long> InputShape { get; }

    /// <summary>The device the parameters live on.</summary>
    public Device Device => parameters().First().device;

    /// <summary>
    /// Creates a fully connected VAE: MLP encoder and decoder with the same hidden sizes (mirrored).
    /// </summary>
    /// <param name="inputShape">Shape of one data item, e.g. <c>[1, 28, 28]</c>.</param>
    /// <param name="latentSize">Dimension of z.</param>
    /// <param name="hiddenSizes">Hidden layer sizes of the encoder; the decoder uses them in reverse. Default <c>[400]</c>.</param>
    /// <param name="likelihood">Observation model; default Bernoulli.</param>
    /// <param name="conditionSize">Length of the condition vector for a conditional VAE; 0 (the default) for none.</param>
    /// <param name="prior">p(z); null (the default) for N(0, I).</param>
    /// <returns>The model, on the CPU.</returns>
    public static VariationalAutoencoder CreateMlp(
        IEnumerable<long> inputShape, int latentSize = 20, IEnumerable<int>? hiddenSizes = null, Likelihood? likelihood = null, int conditionSize = 0, Prior? prior = null)
    {
        long[] shape = Shapes.Validate(inputShape, nameof(inputShape));
        int[] hidden = (hiddenSizes ?? [400]).ToArray();
        ArgumentOutOfRangeException.ThrowIfNegative(conditionSize);
        var encoder = new MlpEncoder(new MlpEncoderOptions { InputShape = shape, HiddenSizes = hidden });
        var decoder = new MlpDecoder(new MlpDecoderOptions { LatentSize = latentSize + conditionSize, OutputShape = shape, HiddenSizes = hidden.Reverse().ToArray() });
        return new VariationalAutoencoder(encoder, decoder, likelihood ?? new BernoulliLikelihood(), conditionSize, prior);
    }

    /// <summary>One forward pass of an unconditional model with a single sample of z per item (K = 1 is kept).</summary>
    /// <param name="input">Batch <c>[N, *InputShape]</c>.</param>
    /// <returns>The posterior, z and the decoder output.</returns>
    public override VaeOutput forward(Tensor input) => Forward(input, null, 1, null);

    /// <summary>One forward pass of an unconditional model with K reparameterized samples of z per item.</summary>
    /// <param name="input">Batch <c>[N, *InputShape]</c>.</param>
    /// <param name="sampleCount">K ≥ 1.</param>
    /// <param name="generator">Random generator for ε on the model's device; null uses TorchSharp's default one.</param>
    /// <returns>The posterior (<c>[N, D]</c>), z (<c>[K, N, D]</c>) and the decoder output (<c>[K, N, *S]</c>).</returns>
    public VaeOutput Forward(Tensor input, int sampleCount, Generator? generator) => Forward(input, null, sampleCount, generator);

    /// <summary>One forward pass with K reparameterized samples of z per item.</summary>
    /// <param name="input">Batch <c>[N, *InputShape]</c>.</param>
    /// <param name="condition">Conditions <c>[N, C]</c> for a conditional model; null for an unconditional one.</param>
    /// <param name="sampleCount">K ≥ 1.</param>
    /// <param name="generator">Random generator for ε on the model's device; null uses TorchSharp's default one.</param>
    /// <returns>The posterior (<c>[N, D]</c>), z (<c>[K, N, D]</c>) and the decoder output (<c>[K, N, *S]</c>).</returns>
    public VaeOutput Forward(Tensor input, Tensor? condition, int sampleCount, Generator? generator)
    {
        GaussianPosterior posterior = Encode(input, condition);
        Tensor z = posterior.Sample(sampleCount, generator);
        return new VaeOutput(posterior, z, DecodeChecked(z, condition));
    }

    /// <summary>Computes q(z|x), or q(z|x, c) for a conditional model, for a batch.</summary>
    /// <param name="input">Batch <c>[N, *InputShape]</c>.</param>
    /// <param name="condition">Conditions <c>[N, C]</c> for a conditional model; null for an unconditional one.</param>
    /// <returns>μ and log σ² (σ via <see cref="GaussianPosterior.StandardDeviation"/>).</returns>
    /// <exception cref="ArgumentException">The batch does not have the model's input shape, or the condition is missing, unexpected or of the wrong shape.</exception>
    public GaussianPosterior Encode(Tensor input, Tensor? condition = null)
    {
        CheckShape(input);
        CheckCondition(condition, input.size(0));
        Tensor features = encoder.call(input);
        return latent.call(condition is null ? features : cat([features, condition.to_type(features.dtype)], 1));
    }

    /// <summary>Maps latent codes to the likelihood's parameters (e.g. logits).</summary>
    /// <param name="z">Codes <c>[N, D]</c>, or <c>[K, N, D]</c>.</param>
    /// <param name="condition">Conditions <c>[N, C]</c> for a conditional model (shared by the K samples); null for an unconditional one.</param>
    /// <returns>Parameters <c>[N, *S]</c>, or <c>[K, N, *S]</c>.</returns>
    /// <exception cref="ArgumentException">z or the condition has the wrong shape, or the condition is missing or unexpected.</exception>
    public Tensor Decode(Tensor z, Tensor? condition = null)
    {
        ArgumentNullException.ThrowIfNull(z);
        if (z.dim() < 2 || z.dim() > 3 || Shapes.Of(z)[^1] != LatentSize)
        {
            throw new ArgumentException($"Expected latent codes of shape [N, {LatentSize}] or [K, N, {LatentSize}]; found {Shapes.Format(Shapes.Of(z))}.", nameof(z));
        }

        CheckCondition(condition, z.size(-2));
        return DecodeChecked(z, condition);
    }

    /// <summary>Reconstructs a batch deterministically: the likelihood's mean at z = μ. No gradients are recorded.</summary>
    /// <param name="input">Batch <c>[N, *InputShape]</c> of finite values (checked, see <see cref="CheckInput"/>).</param>
    /// <param name="condition">Conditions <c>[N, C]</c> for a conditional model; null for an unconditional one.</param>
    /// <returns>E[x | z = μ(x)], <c>[N, *InputShape]</c>.</returns>
    public Tensor Reconstruct(Tensor input, Tensor? condition = null)
    {
        CheckInput(input);
        using var noGrad = no_grad();
        return Likelihood.Mean(Decode(Encode(input, condition).Mean, condition));
    }

    /// <summary>
    /// Checks that a batch fits the model: its shape, and that every value is finite (the encoder cannot use NaN for
    /// a missing value). It reads the data on the host once, so the training loop does not call it per minibatch.
    /// </summary>
    /// <param name="input">Batch <c>[N, *InputShape]</c>.</param>
    /// <exception cref="ArgumentException">The shape differs (expected and found are named) or an item holds NaN or infinity (the first such item is named).</exception>
    public void CheckInput(Tensor input)
    {
        CheckShape(input);

        using var scope = NewDisposeScope();
        Tensor badItems = input.isfinite().logical_not().flatten(1).any(1);
        if (badItems.any().item<bool>())
        {
            long first = badItems.nonzero()[0, 0].item<long>();
            throw new ArgumentException(
                $"Item {first} of the batch holds NaN or infinite values; the model cannot impute them. Fill the missing values (CSV loading replaces empty cells with the column mean) or remove the item.",
                nameof(input));
        }
    }

    /// <summary>Generates new items from an unconditional model: z ~ p(z), then the likelihood's mean. No gradients are recorded.</summary>
    /// <param name="count">Number of items.</param>
    /// <param name="generator">Random generator on the model's device; null uses TorchSharp's default one.</param>
    /// <returns>Items <c>[count, *InputShape]</c> on the model's device.</returns>
    /// <exception cref="InvalidOperationException">The model is conditional (use <see cref="Sample(Tensor, Generator?)"/>).</exception>
    public Tensor Sample(int count, Generator? generator = null)
    {
        if (IsConditional)
        {
            throw new InvalidOperationException($"This model is conditional on {ConditionSize} values: sample with a condition tensor [count, {ConditionSize}].");
        }

        using var noGrad = no_grad();
        Tensor z = prior.Sample(count, Device, generator);
        return Likelihood.Mean(Decode(z));
    }

    /// <summary>Generates one new item per condition from a conditional model: z ~ p(z), then the mean of p(x|z, c).</summary>
    /// <param name="condition">Conditions <c>[count, C]</c>, e.g. one-hot labels.</param>
    /// <param name="generator">Random generator on the model's device; null uses TorchSharp's default one.</param>
    /// <returns>Items <c>[count, *InputShape]</c> on the model's device.</returns>
    public Tensor Sample(Tensor condition, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        CheckCondition(condition, condition.dim() == 2 ? condition.size(0) : -1);
        using var noGrad = no_grad();
        Tensor z = prior.Sample(condition.size(0), Device, generator);
        return Likelihood.Mean(Decode(z, condition.to(Device)));
    }

    /// <summary>Decodes z (already checked) with the condition appended, repeated over the K samples.</summary>
    private Tensor DecodeChecked(Tensor z, Tensor? condition)
    {
        Tensor decoderInput = z;
        if (condition is not null)
        {
            Tensor c = condition.to_type(z.dtype);
            decoderInput = cat([z, z.dim() == 3 ? c.unsqueeze(0).expand(z.size(0), -1, -1) : c], -1);
        }

        if (decoderInput.dim() == 2)
        {
            return decoder.call(decoderInput);
        }

        long[] leading = Shapes.Of(decoderInput)[..^1];
        Tensor flat = decoder.call(decoderInput.reshape(-1, decoder.LatentSize));
        return flat.reshape([.. leading, .. InputShape]);
    }

    private void CheckCondition(Tensor? condition, long items)
    {
        if (condition is null)
        {
            if (IsConditional)
            {
                throw new ArgumentException($"This model is conditional on {ConditionSize} values: pass a condition [N, {ConditionSize}] (e.g. one-hot labels).", nameof(condition));
            }

            return;
        }

        if (!IsConditional)
        {
            throw new ArgumentException("This model is not conditional: pass no condition.", nameof(condition));
        }

        if (condition.dim() != 2 || condition.size(0) != items || condition.size(1) != ConditionSize)
        {
            throw new ArgumentException(
                $"Expected conditions of shape [{(items < 0 ? "N" : items)}, {ConditionSize}]; found {Shapes.Format(Shapes.Of(condition))}.",
                nameof(condition));
        }
    }

    private void CheckShape(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.dim() != InputShape.Count + 1 || !Shapes.Of(input).Skip(1).SequenceEqual(InputShape))
        {
            throw new ArgumentException(
                $"Expected a batch of shape [N, {string.Join(", ", InputShape)}]; found {Shapes.Format(Shapes.Of(input))}.",
                nameof(input));
        }
    }

    private void CheckShapes()
    {
        bool wasTraining = training;
        eval();
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            Tensor probe = zeros([2, .. InputShape]);
            Tensor features = encoder.call(probe);
            if (features.dim() != 2 || Shapes.Of(features)[0] != 2 || Shapes.Of(features)[1] != encoder.OutputSize)
            {
                throw new ArgumentException(
                    $"The encoder {encoder.GetName()} declares {encoder.OutputSize} features but returned shape {Shapes.Format(Shapes.Of(features))} for a batch of 2; the latent layer expects [2, {encoder.OutputSize}].",
                    nameof(encoder));
            }

            Tensor output = decoder.call(zeros(2, decoder.LatentSize));
            long[] expected = [2, .. InputShape];
            if (!Shapes.Of(output).SequenceEqual(expected))
            {
                throw new ArgumentException(
                    $"The decoder {decoder.GetName()} returned shape {Shapes.Format(Shapes.Of(output))} for 2 latent codes of size {decoder.LatentSize}; expected {Shapes.Format(expected)}.",
                    nameof(decoder));
            }
        }
        catch (System.Runtime.InteropServices.ExternalException exception)
        {
            throw new ArgumentException(
                $"The encoder and decoder do not fit together or with the input shape {Shapes.Format(InputShape)} and latent size {LatentSize}: {exception.Message.Split('\n')[0]}",
                nameof(encoder),
                exception);
        }
        finally
        {
            train(wasTraining);
        }
    }
}
