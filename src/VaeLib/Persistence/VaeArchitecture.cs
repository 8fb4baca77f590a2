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
    private readonly double gaussianVariance = 1.0;
    private readonly ModelKind kind = ModelKind.Mlp;
    private readonly Activation activation = Activation.Relu;
    private readonly LikelihoodKind likelihood = LikelihoodKind.Bernoulli;

    /// <summary>The network family. Default <see cref="ModelKind.Mlp"/>.</summary>
    public ModelKind Kind
    {
        get => kind;
        init => kind = Defined(value, nameof(Kind));
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

    /// <summary>Nonlinearity of the hidden layers. Default <see cref="Activation.Relu"/>.</summary>
    public Activation Activation
    {
        get => activation;
        init => activation = Defined(value, nameof(Activation));
    }

    /// <summary>The observation model. Default <see cref="LikelihoodKind.Bernoulli"/>.</summary>
    public LikelihoodKind Likelihood
    {
        get => likelihood;
        init => likelihood = Defined(value, nameof(Likelihood));
    }

    /// <summary>The fixed variance c of the Gaussian likelihood. Default 1.</summary>
    public double GaussianVariance
    {
        get => gaussianVariance;
        init => gaussianVariance = value > 0 && double.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(GaussianVariance), value, "The Gaussian variance must be positive and finite.");
    }

    /// <summary>Builds a freshly initialised model of this architecture, on the CPU.</summary>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentException">The architecture does not fit the input shape (e.g. a conv model on vectors).</exception>
    public VariationalAutoencoder Build()
    {
        Likelihood observation = Likelihood == LikelihoodKind.Gaussian ? new GaussianLikelihood(GaussianVariance) : new BernoulliLikelihood();
        if (Kind == ModelKind.Mlp)
        {
            var encoder = new MlpEncoder(new MlpEncoderOptions { InputShape = InputShape, HiddenSizes = HiddenSizes, Activation = Activation });
            var decoder = new MlpDecoder(new MlpDecoderOptions { LatentSize = LatentSize, OutputShape = InputShape, HiddenSizes = HiddenSizes.Reverse().ToArray(), Activation = Activation });
            return new VariationalAutoencoder(encoder, decoder, observation);
        }

        if (InputShape.Count != 3)
        {
            throw new ArgumentException($"A conv model needs images [C, H, W]; the data's items have shape {Shapes.Format(InputShape)}. Use the mlp model.", nameof(InputShape));
        }

        int featureSize = HiddenSizes.Count > 0 ? HiddenSizes[0] : 0;
        var convEncoder = new ConvEncoder(new ConvEncoderOptions { InputShape = InputShape, FeatureSize = featureSize, Activation = Activation });
        var convDecoder = new ConvTransposeDecoder(new ConvTransposeDecoderOptions { LatentSize = LatentSize, OutputShape = InputShape, FeatureSize = featureSize, Activation = Activation });
        return new VariationalAutoencoder(convEncoder, convDecoder, observation);
    }

    private static T Defined<T>(T value, string name)
        where T : struct, Enum => Enum.IsDefined(value)
        ? value
        : throw new ArgumentOutOfRangeException(name, value, $"Unknown {name}: {value}.");
}
