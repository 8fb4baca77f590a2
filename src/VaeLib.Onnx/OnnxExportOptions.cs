namespace VaeLib.Onnx;

/// <summary>Settings of an ONNX export.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>The lowest opset the export writes (ReduceSum takes its axes as an input from opset 13).</summary>
    public const int MinimumOpset = 13;

    /// <summary>The highest opset the export writes.</summary>
    public const int MaximumOpset = 21;

    /// <summary>The opset written when none is named: 17, read by ONNX Runtime 1.12 and later.</summary>
    public const int DefaultOpset = 17;

    private readonly int opset = DefaultOpset;

    /// <summary>The ONNX opset (standard domain) the files declare, <see cref="MinimumOpset"/>–<see cref="MaximumOpset"/>. Default 17.</summary>
    public int Opset
    {
        get => opset;
        init => opset = value is >= MinimumOpset and <= MaximumOpset
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Opset), value, $"The ONNX opset must be between {MinimumOpset} and {MaximumOpset}; found {value}.");
    }

    /// <summary>
    /// The preprocessing written into the encoder and scorer graphs; null (the default) reads it from a saved model's
    /// metadata (<see cref="InputPreprocessing.FromMetadata"/>), or none for a model exported without metadata.
    /// </summary>
    public InputPreprocessing? Preprocessing { get; init; }
}
