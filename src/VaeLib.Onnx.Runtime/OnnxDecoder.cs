using Microsoft.ML.OnnxRuntime;

namespace VaeLib.Onnx.Runtime;

/// <summary>
/// Decodes latent codes with an exported VaeLib decoder (<c>decoder.onnx</c>) in ONNX Runtime: the likelihood's
/// parameters and its mean, in the model's units. Safe for concurrent callers.
/// </summary>
public sealed class OnnxDecoder : IDisposable
{
    /// <summary>The file name <c>vae export</c> gives the decoder.</summary>
    public const string FileName = "decoder.onnx";

    private readonly ExportedGraph graph;

    /// <summary>Loads a decoder.</summary>
    /// <param name="path">An export folder (its <c>decoder.onnx</c> is read) or the file itself.</param>
    /// <param name="options">ONNX Runtime session options; null for the defaults.</param>
    /// <exception cref="FileNotFoundException">The file is missing.</exception>
    /// <exception cref="InvalidDataException">The file is not an ONNX model, or not a VaeLib decoder.</exception>
    public OnnxDecoder(string path, SessionOptions? options = null)
    {
        graph = new ExportedGraph(path, FileName, "decoder", "z", ["parameters", "mean"], options);
    }

    /// <summary>The file's facts: item shape, latent size, likelihood.</summary>
    public ExportedModelInfo Info => graph.Info;

    /// <summary>Decodes a batch of latent codes held row-major, <see cref="ExportedModelInfo.LatentSize"/> values per code.</summary>
    /// <param name="codes">One or more codes z.</param>
    /// <returns>Parameters and mean, <c>[N, *InputShape]</c> each.</returns>
    /// <exception cref="ArgumentException">No codes, a length that is not a whole number of codes, or a NaN or infinite value (code and element named).</exception>
    public DecodedBatch Decode(ReadOnlySpan<float> codes)
    {
        int count = ExportedGraph.CountItems(codes, Info.LatentSize, $"latent codes of size {Info.LatentSize}", nameof(codes));
        float[][] outputs = graph.Run(codes, count, [Info.LatentSize]);
        return new DecodedBatch(outputs[0], outputs[1], count);
    }

    /// <inheritdoc />
    public void Dispose() => graph.Dispose();
}
