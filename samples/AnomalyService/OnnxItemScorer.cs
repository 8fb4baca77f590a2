using VaeLib.Onnx.Runtime;

namespace AnomalyService;

/// <summary>Scores with the exported scorer in ONNX Runtime; one session serves concurrent requests.</summary>
/// <param name="folder">The folder vae export wrote.</param>
internal sealed class OnnxItemScorer(string folder) : IItemScorer
{
    private readonly OnnxScorer scorer = new(folder);

    public long ItemSize => scorer.Info.ItemSize;

    public string InputUnits => scorer.Info.InputUnits;

    public InputRange? Range => RangeOf(scorer.Info);

    public string Description => $"{scorer.Path} on ONNX Runtime";

    public ScoreResponse Score(float[][] items)
    {
        AnomalyScores scores = scorer.Score(items);
        return new ScoreResponse(scores.Score, scores.ReconstructionLogLikelihood, scores.Kl);
    }

    public void Dispose() => scorer.Dispose();

    /// <summary>
    /// The range the export's metadata defines: the graph divides pixel values by 255, so they are bytes; a Bernoulli
    /// likelihood on the model's own units is a probability of each value being on, defined for [0, 1]. Standardized
    /// CSV values and Gaussian units are unbounded.
    /// </summary>
    private static InputRange? RangeOf(ExportedModelInfo info) =>
        info.Preprocessing == "pixels / 255" ? new InputRange(0, 255)
        : info.Preprocessing == "none" && info.Likelihood == "bernoulli" ? new InputRange(0, 1)
        : null;
}
