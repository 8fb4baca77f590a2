using Microsoft.ML.OnnxRuntime;

namespace VaeLib.Onnx.Runtime;

/// <summary>
/// Encodes items with an exported VaeLib encoder (<c>encoder.onnx</c>) in ONNX Runtime: μ and log σ² of q(z|x) per
/// item. Inputs are raw values; the graph applies the model's preprocessing itself. Safe for concurrent callers.
/// </summary>
public sealed class OnnxEncoder : IDisposable
{
    /// <summary>The file name <c>vae export</c> gives the encoder.</summary>
    public const string FileName = "encoder.onnx";

    private readonly ExportedGraph graph;

    /// <summary>Loads an encoder.</summary>
    /// <param name="path">An export folder (its <c>encoder.onnx</c> is read) or the file itself.</param>
    /// <param name="options">ONNX Runtime session options; null for the defaults.</param>
    /// <exception cref="FileNotFoundException">The file is missing.</exception>
    /// <exception cref="InvalidDataException">The file is not an ONNX model, or not a VaeLib encoder.</exception>
    public OnnxEncoder(string path, SessionOptions? options = null)
    {
        graph = new ExportedGraph(path, FileName, "encoder", "x", ["mu", "logvar"], options);
    }

    /// <summary>The file's facts: item shape, latent size, likelihood, preprocessing.</summary>
    public ExportedModelInfo Info => graph.Info;

    /// <summary>Encodes a batch held row-major, <see cref="ExportedModelInfo.ItemSize"/> values per item.</summary>
    /// <param name="items">One or more items, raw values.</param>
    /// <returns>μ and log σ², <c>[N, LatentSize]</c> each.</returns>
    /// <exception cref="ArgumentException">No items, a length that is not a whole number of items, or a NaN or infinite value (item and element named).</exception>
    public LatentBatch Encode(ReadOnlySpan<float> items)
    {
        int count = ExportedGraph.CountItems(items, Info.ItemSize, $"items of shape [{string.Join(", ", Info.InputShape)}], {Info.InputUnits}", nameof(items));
        float[][] outputs = graph.Run(items, count, Info.InputShape);
        return new LatentBatch(outputs[0], outputs[1], count, Info.LatentSize);
    }

    /// <inheritdoc />
    public void Dispose() => graph.Dispose();
}
