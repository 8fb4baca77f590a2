using Microsoft.ML.OnnxRuntime;

namespace VaeLib.Onnx.Runtime;

/// <summary>
/// Scores items with an exported VaeLib scorer (<c>scorer.onnx</c>) in ONNX Runtime: a deterministic anomaly score
/// per item, KL(q(z|x) ‖ N(0, I)) − log p(x | z = μ). Inputs are raw values (see <see cref="ExportedModelInfo.InputUnits"/>):
/// the graph applies the model's preprocessing itself. Safe for concurrent callers.
/// </summary>
public sealed class OnnxScorer : IDisposable
{
    /// <summary>The file name <c>vae export</c> gives the scorer.</summary>
    public const string FileName = "scorer.onnx";

    private readonly ExportedGraph graph;

    /// <summary>Loads a scorer.</summary>
    /// <param name="path">An export folder (its <c>scorer.onnx</c> is read) or the file itself.</param>
    /// <param name="options">ONNX Runtime session options (threads, execution providers); null for the defaults.</param>
    /// <exception cref="FileNotFoundException">The file is missing.</exception>
    /// <exception cref="InvalidDataException">The file is not an ONNX model, or not a VaeLib scorer.</exception>
    public OnnxScorer(string path, SessionOptions? options = null)
    {
        graph = new ExportedGraph(path, FileName, "scorer", "x", ["score", "reconstruction_log_likelihood", "kl"], options);
    }

    /// <summary>The file's facts: item shape, latent size, likelihood, preprocessing.</summary>
    public ExportedModelInfo Info => graph.Info;

    /// <summary>The file loaded.</summary>
    public string Path => graph.Path;

    /// <summary>Scores a batch held row-major, <see cref="ExportedModelInfo.ItemSize"/> values per item.</summary>
    /// <param name="items">One or more items, raw values.</param>
    /// <returns>One score per item, with its two parts.</returns>
    /// <exception cref="ArgumentException">No items, a length that is not a whole number of items, or a NaN or infinite value (item and element named).</exception>
    public AnomalyScores Score(ReadOnlySpan<float> items)
    {
        int count = ExportedGraph.CountItems(items, Info.ItemSize, $"items of shape [{string.Join(", ", Info.InputShape)}], {Info.InputUnits}", nameof(items));
        float[][] outputs = graph.Run(items, count, Info.InputShape);
        return new AnomalyScores(outputs[0], outputs[1], outputs[2]);
    }

    /// <summary>Scores a batch given one array per item.</summary>
    /// <param name="items">One or more items of <see cref="ExportedModelInfo.ItemSize"/> raw values each.</param>
    /// <returns>One score per item, with its two parts.</returns>
    /// <exception cref="ArgumentException">No items, an item of the wrong length, or a NaN or infinite value (item and element named).</exception>
    public AnomalyScores Score(IReadOnlyList<float[]> items) =>
        Score(ExportedGraph.Flatten(items, Info.ItemSize, $"items of shape [{string.Join(", ", Info.InputShape)}]", nameof(items)));

    /// <inheritdoc />
    public void Dispose() => graph.Dispose();
}
