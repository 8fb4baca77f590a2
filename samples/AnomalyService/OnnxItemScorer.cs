using VaeLib.Onnx.Runtime;

namespace AnomalyService;

/// <summary>Scores with the exported scorer in ONNX Runtime; one session serves concurrent requests.</summary>
/// <param name="folder">The folder vae export wrote.</param>
internal sealed class OnnxItemScorer(string folder) : IItemScorer
{
    private readonly OnnxScorer scorer = new(folder);

    public long ItemSize => scorer.Info.ItemSize;

    public string InputUnits => scorer.Info.InputUnits;

    public string Description => $"{scorer.Path} on ONNX Runtime";

    public ScoreResponse Score(float[][] items)
    {
        AnomalyScores scores = scorer.Score(items);
        return new ScoreResponse(scores.Score, scores.ReconstructionLogLikelihood, scores.Kl);
    }

    public void Dispose() => scorer.Dispose();
}
