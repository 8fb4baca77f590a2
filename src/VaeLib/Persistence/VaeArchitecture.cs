using VaeLib.Likelihoods;
using VaeLib.Modules;

namespace VaeLib.Persistence;

/// <summary>
/// A description of a VAE built from VaeLib's own modules: enough to rebuild the model without the user's code,
/// so it is saved next to the weights.
/// </summary>
public sealed record VaeArchitecture
{
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
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentException">The architecture does not fit the input shape (e.g. a conv model on vectors), or names a custom module that is not registered.</exception>
    public VariationalAutoencoder Build(ModuleRegistry? registry = null)
    {
        Likelihood observation = Likelihood == LikelihoodKind.Gaussian ? new GaussianLikelihood(GaussianVariance) : new BernoulliLikelihood();
        // A conditional model's decoder reads [z, c], so its latent size is dim z + dim c.
        var spec = new ModuleSpec(InputShape, LatentSize, CustomSettings);
        var decoderSpec = new ModuleSpec(InputShape, LatentSize + ConditionSize, CustomSettings);
        registry ??= new ModuleRegistry();
        Encoder encoder = CustomEncoder is null ? BuiltInEncoder() : registry.CreateEncoder(CustomEncoder, spec);
        Decoder decoder = CustomDecoder is null ? BuiltInDecoder() : registry.CreateDecoder(CustomDecoder, decoderSpec);
        return new VariationalAutoencoder(encoder, decoder, observation, ConditionSize);
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
