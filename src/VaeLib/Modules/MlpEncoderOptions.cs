namespace VaeLib.Modules;

/// <summary>Options of <see cref="MlpEncoder"/>: flatten, then fully connected layers with an activation.</summary>
public sealed record MlpEncoderOptions
{
    private readonly long[] inputShape = [1, 28, 28];
    private readonly int[] hiddenSizes = [400];

    /// <summary>Shape of one input item; it is flattened. Default <c>[1, 28, 28]</c>.</summary>
    public IReadOnlyList<long> InputShape
    {
        get => inputShape;
        init => inputShape = Shapes.Validate(value, nameof(InputShape));
    }

    /// <summary>Sizes of the hidden layers; empty means the features are the flattened input. Default <c>[400]</c>.</summary>
    public IReadOnlyList<int> HiddenSizes
    {
        get => hiddenSizes;
        init => hiddenSizes = OptionChecks.PositiveSizes(value, nameof(HiddenSizes), allowEmpty: true);
    }

    /// <summary>Nonlinearity after each hidden layer. Default <see cref="Activation.Relu"/>.</summary>
    public Activation Activation { get; init; } = Activation.Relu;
}
