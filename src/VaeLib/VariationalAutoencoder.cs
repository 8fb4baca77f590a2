using TorchSharp;
using VaeLib.Latent;
using VaeLib.Likelihoods;
using VaeLib.Modules;
using static TorchSharp.torch;

namespace VaeLib;

/// <summary>
/// A variational autoencoder: encoder → <see cref="GaussianLatent"/> (μ, log σ²) → reparameterized z → decoder →
/// parameters of the <see cref="Likelihoods.Likelihood"/> p(x|z), with prior p(z) = N(0, I).
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

    /// <summary>Composes a model and checks, with one forward pass on zeros, that the parts fit together.</summary>
    /// <param name="encoder">Maps inputs to features.</param>
    /// <param name="decoder">Maps z to the likelihood's parameters; its latent size is the model's.</param>
    /// <param name="likelihood">The observation model p(x|z).</param>
    /// <exception cref="ArgumentException">The encoder's or decoder's shapes disagree with each other or with what they declare.</exception>
    public VariationalAutoencoder(Encoder encoder, Decoder decoder, Likelihood likelihood)
        : base(nameof(VariationalAutoencoder))
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(likelihood);
        if (!encoder.InputShape.SequenceEqual(decoder.OutputShape))
        {
            throw new ArgumentException(
                $"The encoder reads items of shape {Shapes.Format(encoder.InputShape)} but the decoder writes {Shapes.Format(decoder.OutputShape)}; they must agree.",
                nameof(decoder));
        }

        this.encoder = encoder;
        this.decoder = decoder;
        latent = new GaussianLatent(encoder.OutputSize, decoder.LatentSize);
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

    /// <summary>The observation model p(x|z).</summary>
    public Likelihood Likelihood { get; }

    /// <summary>Dimension of z.</summary>
    public long LatentSize => latent.LatentSize;

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
    /// <returns>The model, on the CPU.</returns>
    public static VariationalAutoencoder CreateMlp(
        IEnumerable<long> inputShape, int latentSize = 20, IEnumerable<int>? hiddenSizes = null, Likelihood? likelihood = null)
    {
        long[] shape = Shapes.Validate(inputShape, nameof(inputShape));
        int[] hidden = (hiddenSizes ?? [400]).ToArray();
        var encoder = new MlpEncoder(new MlpEncoderOptions { InputShape = shape, HiddenSizes = hidden });
        var decoder = new MlpDecoder(new MlpDecoderOptions { LatentSize = latentSize, OutputShape = shape, HiddenSizes = hidden.Reverse().ToArray() });
        return new VariationalAutoencoder(encoder, decoder, likelihood ?? new BernoulliLikelihood());
    }

    /// <summary>One forward pass with a single sample of z per item (the sample dimension K = 1 is kept).</summary>
    /// <param name="input">Batch <c>[N, *InputShape]</c>.</param>
    /// <returns>The posterior, z and the decoder output.</returns>
    public override VaeOutput forward(Tensor input) => Forward(input, 1, null);

    /// <summary>One forward pass with K reparameterized samples of z per item.</summary>
    /// <param name="input">Batch <c>[N, *InputShape]</c>.</param>
    /// <param name="sampleCount">K ≥ 1.</param>
    /// <param name="generator">Random generator for ε on the model's device; null uses TorchSharp's default one.</param>
    /// <returns>The posterior (<c>[N, D]</c>), z (<c>[K, N, D]</c>) and the decoder output (<c>[K, N, *S]</c>).</returns>
    public VaeOutput Forward(Tensor input, int sampleCount, Generator? generator)
    {
        GaussianPosterior posterior = Encode(input);
        Tensor z = posterior.Sample(sampleCount, generator);
        return new VaeOutput(posterior, z, Decode(z));
    }

    /// <summary>Computes q(z|x) for a batch.</summary>
    /// <param name="input">Batch <c>[N, *InputShape]</c>.</param>
    /// <returns>μ and log σ² (σ via <see cref="GaussianPosterior.StandardDeviation"/>).</returns>
    /// <exception cref="ArgumentException">The batch does not have the model's input shape.</exception>
    public GaussianPosterior Encode(Tensor input)
    {
        CheckShape(input);

        return latent.call(encoder.call(input));
    }

    /// <summary>Maps latent codes to the likelihood's parameters (e.g. logits).</summary>
    /// <param name="z">Codes <c>[N, D]</c>, or <c>[K, N, D]</c>.</param>
    /// <returns>Parameters <c>[N, *S]</c>, or <c>[K, N, *S]</c>.</returns>
    public Tensor Decode(Tensor z)
    {
        ArgumentNullException.ThrowIfNull(z);
        if (z.dim() < 2 || Shapes.Of(z)[^1] != LatentSize)
        {
            throw new ArgumentException($"Expected latent codes of shape [N, {LatentSize}] or [K, N, {LatentSize}]; found {Shapes.Format(Shapes.Of(z))}.", nameof(z));
        }

        if (z.dim() == 2)
        {
            return decoder.call(z);
        }

        long[] leading = Shapes.Of(z)[..^1];
        Tensor flat = decoder.call(z.reshape(-1, LatentSize));
        return flat.reshape([.. leading, .. InputShape]);
    }

    /// <summary>Reconstructs a batch deterministically: the likelihood's mean at z = μ. No gradients are recorded.</summary>
    /// <param name="input">Batch <c>[N, *InputShape]</c> of finite values (checked, see <see cref="CheckInput"/>).</param>
    /// <returns>E[x | z = μ(x)], <c>[N, *InputShape]</c>.</returns>
    public Tensor Reconstruct(Tensor input)
    {
        CheckInput(input);
        using var noGrad = no_grad();
        return Likelihood.Mean(Decode(Encode(input).Mean));
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

    /// <summary>Generates new items: z ~ N(0, I), then the likelihood's mean. No gradients are recorded.</summary>
    /// <param name="count">Number of items.</param>
    /// <param name="generator">Random generator on the model's device; null uses TorchSharp's default one.</param>
    /// <returns>Items <c>[count, *InputShape]</c> on the model's device.</returns>
    public Tensor Sample(int count, Generator? generator = null)
    {
        using var noGrad = no_grad();
        Tensor z = StandardNormalPrior.Sample(count, LatentSize, Device, generator);
        return Likelihood.Mean(Decode(z));
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

            Tensor output = decoder.call(zeros(2, LatentSize));
            long[] expected = [2, .. InputShape];
            if (!Shapes.Of(output).SequenceEqual(expected))
            {
                throw new ArgumentException(
                    $"The decoder {decoder.GetName()} returned shape {Shapes.Format(Shapes.Of(output))} for 2 latent codes; expected {Shapes.Format(expected)}.",
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
