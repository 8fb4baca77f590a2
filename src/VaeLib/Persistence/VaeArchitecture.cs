using System.Globalization;
using System.Numerics;
using VaeLib.Likelihoods;
using VaeLib.Modules;

namespace VaeLib.Persistence;

/// <summary>
/// A description of a VAE built from VaeLib's own modules: enough to rebuild the model without the user's code,
/// so it is saved next to the weights.
/// </summary>
public sealed record VaeArchitecture
{
    /// <summary>
    /// The most parameters <see cref="Build"/> and <see cref="SavedModel.Load"/> accept unless told otherwise:
    /// 2^26 = 67 108 864, which is 256 MiB of float32 weights; training holds about four times that (the weights,
    /// their gradients and Adam's two moments), about 1 GiB. Larger models need an explicit, larger limit.
    /// </summary>
    public const long DefaultMaxParameterCount = 1L << 26;

    private readonly long[] inputShape = [1, 28, 28];
    private readonly int[] hiddenSizes = [400];
    private readonly int latentSize = 20;
    private readonly int conditionSize;
    private readonly double gaussianVariance = 1.0;
    private readonly ModelKind kind = ModelKind.Mlp;
    private readonly Activation activation = Activation.Relu;
    private readonly LikelihoodKind likelihood = LikelihoodKind.Bernoulli;

    /// <summary>The network family. Default <see cref="ModelKind.Mlp"/>.</summary>
    public ModelKind Kind
    {
        get => kind;
        init => kind = OptionChecks.Defined(value, nameof(Kind), "model kind");
    }

    /// <summary>Shape of one data item. Default <c>[1, 28, 28]</c>.</summary>
    public IReadOnlyList<long> InputShape
    {
        get => inputShape;
        init => inputShape = Shapes.Validate(value, nameof(InputShape));
    }

    /// <summary>
    /// For <see cref="ModelKind.Mlp"/>, the encoder's hidden sizes (the decoder mirrors them); for
    /// <see cref="ModelKind.Conv"/>, the first entry is the size of the dense layer after the convolutions. Default <c>[400]</c>.
    /// </summary>
    public IReadOnlyList<int> HiddenSizes
    {
        get => hiddenSizes;
        init => hiddenSizes = OptionChecks.PositiveSizes(value, nameof(HiddenSizes), allowEmpty: true);
    }

    /// <summary>Dimension of z. Default 20.</summary>
    public int LatentSize
    {
        get => latentSize;
        init => latentSize = OptionChecks.Positive(value, nameof(LatentSize), "The latent size");
    }

    /// <summary>
    /// Length of the condition vector of a conditional VAE (e.g. the number of classes for one-hot labels); 0, the
    /// default, for an unconditional model. See <see cref="VariationalAutoencoder(Encoder, Decoder, Likelihoods.Likelihood, int)"/>.
    /// </summary>
    public int ConditionSize
    {
        get => conditionSize;
        init => conditionSize = value >= 0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(ConditionSize), value, "The condition size must be 0 (unconditional) or positive.");
    }

    /// <summary>Nonlinearity of the hidden layers. Default <see cref="Activation.Relu"/>.</summary>
    public Activation Activation
    {
        get => activation;
        init => activation = OptionChecks.Defined(value, nameof(Activation), "activation");
    }

    /// <summary>The observation model. Default <see cref="LikelihoodKind.Bernoulli"/>.</summary>
    public LikelihoodKind Likelihood
    {
        get => likelihood;
        init => likelihood = OptionChecks.Defined(value, nameof(Likelihood), "likelihood");
    }

    /// <summary>The fixed variance c of the Gaussian likelihood. Default 1.</summary>
    public double GaussianVariance
    {
        get => gaussianVariance;
        init => gaussianVariance = value > 0 && double.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(GaussianVariance), value, "The Gaussian variance must be positive and finite.");
    }

    /// <summary>Name of a custom encoder registered in a <see cref="ModuleRegistry"/>; null for the built-in one of <see cref="Kind"/>.</summary>
    public string? CustomEncoder { get; init; }

    /// <summary>Name of a custom decoder registered in a <see cref="ModuleRegistry"/>; null for the built-in one of <see cref="Kind"/>.</summary>
    public string? CustomDecoder { get; init; }

    /// <summary>Settings of the custom modules, saved with the model and handed to their factories.</summary>
    public IReadOnlyDictionary<string, string> CustomSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>Builds a freshly initialised model of this architecture, on the CPU.</summary>
    /// <param name="registry">Factories for the custom modules the architecture names; not needed for built-in ones.</param>
    /// <param name="maxParameterCount">The most parameters the built-in modules may hold (see <see cref="ParameterCount"/>); default <see cref="DefaultMaxParameterCount"/>.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentException">The architecture does not fit the input shape (e.g. a conv model on vectors), or names a custom module that is not registered.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The built-in modules would hold more than <paramref name="maxParameterCount"/> parameters (checked before anything is allocated).</exception>
    public VariationalAutoencoder Build(ModuleRegistry? registry = null, long maxParameterCount = DefaultMaxParameterCount)
    {
        CheckParameterCount(maxParameterCount);
        Likelihood observation = Likelihood == LikelihoodKind.Gaussian ? new GaussianLikelihood(GaussianVariance) : new BernoulliLikelihood();
        // A conditional model's decoder reads [z, c], so its latent size is dim z + dim c.
        var spec = new ModuleSpec(InputShape, LatentSize, CustomSettings);
        var decoderSpec = new ModuleSpec(InputShape, LatentSize + ConditionSize, CustomSettings);
        registry ??= new ModuleRegistry();
        Encoder encoder = CustomEncoder is null ? BuiltInEncoder() : registry.CreateEncoder(CustomEncoder, spec);
        Decoder decoder = CustomDecoder is null ? BuiltInDecoder() : registry.CreateDecoder(CustomDecoder, decoderSpec);
        return new VariationalAutoencoder(encoder, decoder, observation, ConditionSize);
    }

    /// <summary>
    /// The exact number of parameters (weights and biases) <see cref="Build"/> creates, computed from the sizes alone
    /// without allocating anything; null when the architecture names a custom module, whose size only its factory knows.
    /// </summary>
    /// <returns>The count, or <see cref="long.MaxValue"/> for sizes so absurd that the count does not fit in a long.</returns>
    /// <exception cref="ArgumentException">A conv model on items that are not images <c>[C, H, W]</c>.</exception>
    public long? ParameterCount() => CustomEncoder is null && CustomDecoder is null ? Saturate(CountParameters()) : null;

    /// <summary>The size of <paramref name="count"/> float32 values in a short human form (e.g. "1.5 GiB").</summary>
    internal static string FormatFloatBytes(long count)
    {
        double bytes = count * (double)sizeof(float);
        string[] units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
        int unit = 0;
        for (; bytes >= 1024 && unit < units.Length - 1; unit++)
        {
            bytes /= 1024;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{bytes:0.#} {units[unit]}");
    }

    /// <summary>
    /// The parameters of the built-in parts: all of them for a built-in architecture; for one with a custom module,
    /// a lower bound (the latent heads and the other, built-in module), so a description with absurd sizes is still
    /// refused before building it.
    /// </summary>
    internal long KnownParameterCount() => Saturate(CountParameters());

    /// <summary>Throws when the built-in parts hold more than <paramref name="maxParameterCount"/> parameters.</summary>
    internal void CheckParameterCount(long maxParameterCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxParameterCount);
        long count = KnownParameterCount();
        if (count > maxParameterCount)
        {
            throw new ArgumentOutOfRangeException(
                nameof(maxParameterCount),
                count,
                string.Create(CultureInfo.InvariantCulture, $"The architecture has {count:N0} parameters ({FormatFloatBytes(count)} of float32 weights, about four times that to train); at most {maxParameterCount:N0} are allowed. Raise the limit to build it."));
        }
    }

    private static long Saturate(BigInteger count) => count > long.MaxValue ? long.MaxValue : (long)count;

    // Exact arithmetic: a tampered description may multiply sizes far beyond a long.
    private BigInteger CountParameters()
    {
        static BigInteger Linear(BigInteger inputs, BigInteger outputs) => (inputs * outputs) + outputs;
        static BigInteger Layers(BigInteger[] widths) => widths.Zip(widths.Skip(1), Linear).Aggregate(BigInteger.Zero, (sum, layer) => sum + layer);
        BigInteger latent = LatentSize;
        BigInteger condition = ConditionSize;
        BigInteger encoderParameters = 0;
        BigInteger encoderFeatures = 1; // A custom encoder's features: at least one.
        BigInteger decoderParameters = 0;
        if (Kind == ModelKind.Mlp)
        {
            // Encoder E → h1 … hk; decoder (D + C) → hk … h1 → E.
            BigInteger[] hidden = HiddenSizes.Select(size => (BigInteger)size).ToArray();
            BigInteger elements = InputShape.Aggregate(BigInteger.One, (product, size) => product * size);
            BigInteger[] encoder = [elements, .. hidden];
            BigInteger[] decoder = [latent + condition, .. hidden.Reverse(), elements];
            if (CustomEncoder is null)
            {
                encoderParameters = Layers(encoder);
                encoderFeatures = encoder[^1];
            }

            decoderParameters = CustomDecoder is null ? Layers(decoder) : 0;
        }
        else
        {
            IReadOnlyList<long> image = CustomEncoder is null || CustomDecoder is null ? ConvShape() : InputShape;
            var encoderOptions = new ConvEncoderOptions();
            var decoderOptions = new ConvTransposeDecoderOptions();
            BigInteger feature = ConvFeatureSize;
            if (CustomEncoder is null)
            {
                // Each 4×4 stride-2 convolution halves the height and width, rounding down (see ConvEncoder).
                BigInteger channels = image[0];
                long height = image[1];
                long width = image[2];
                foreach (int outChannels in encoderOptions.Channels)
                {
                    encoderParameters += (channels * outChannels * 16) + outChannels;
                    channels = outChannels;
                    height /= 2;
                    width /= 2;
                }

                BigInteger flattened = channels * height * width;
                encoderParameters += feature > 0 ? Linear(flattened, feature) : 0;
                encoderFeatures = feature > 0 ? feature : flattened;
            }

            if (CustomDecoder is null)
            {
                // (D + C) → [feature →] C₀·(H/s)·(W/s), then 4×4 transposed convolutions out to the image's channels.
                int scale = 1 << decoderOptions.Channels.Count;
                BigInteger map = (BigInteger)decoderOptions.Channels[0] * (image[1] / scale) * (image[2] / scale);
                BigInteger inputs = latent + condition;
                decoderParameters += feature > 0 ? Linear(inputs, feature) : 0;
                decoderParameters += Linear(feature > 0 ? feature : inputs, map);
                for (int i = 0; i < decoderOptions.Channels.Count; i++)
                {
                    BigInteger outChannels = i == decoderOptions.Channels.Count - 1 ? image[0] : decoderOptions.Channels[i + 1];
                    decoderParameters += ((BigInteger)decoderOptions.Channels[i] * outChannels * 16) + outChannels;
                }
            }
        }

        // The μ and log σ² heads read the encoder's features and the condition (see VariationalAutoencoder).
        return encoderParameters + (2 * Linear(encoderFeatures + condition, latent)) + decoderParameters;
    }

    private Encoder BuiltInEncoder()
    {
        if (Kind == ModelKind.Mlp)
        {
            return new MlpEncoder(new MlpEncoderOptions { InputShape = InputShape, HiddenSizes = HiddenSizes, Activation = Activation });
        }

        return new ConvEncoder(new ConvEncoderOptions { InputShape = ConvShape(), FeatureSize = ConvFeatureSize, Activation = Activation });
    }

    private Decoder BuiltInDecoder()
    {
        if (Kind == ModelKind.Mlp)
        {
            return new MlpDecoder(new MlpDecoderOptions { LatentSize = LatentSize + ConditionSize, OutputShape = InputShape, HiddenSizes = HiddenSizes.Reverse().ToArray(), Activation = Activation });
        }

        return new ConvTransposeDecoder(new ConvTransposeDecoderOptions { LatentSize = LatentSize + ConditionSize, OutputShape = ConvShape(), FeatureSize = ConvFeatureSize, Activation = Activation });
    }

    private int ConvFeatureSize => HiddenSizes.Count > 0 ? HiddenSizes[0] : 0;

    private IReadOnlyList<long> ConvShape() => InputShape.Count == 3
        ? InputShape
        : throw new ArgumentException($"A conv model needs images [C, H, W]; the data's items have shape {Shapes.Format(InputShape)}. Use the mlp model.", nameof(InputShape));
}
