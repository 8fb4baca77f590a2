namespace VaeLib.Onnx.Runtime;

/// <summary>The scorer's answer for a batch, one value per item, in nats.</summary>
/// <param name="Score">KL(q(z|x) ‖ N(0, I)) − log p(x | z = μ): higher for items the model explains worse.</param>
/// <param name="ReconstructionLogLikelihood">log p(x | z = μ), the first part of the score (subtracted).</param>
/// <param name="Kl">KL(q(z|x) ‖ N(0, I)), the second part of the score (added).</param>
public sealed record AnomalyScores(float[] Score, float[] ReconstructionLogLikelihood, float[] Kl)
{
    /// <summary>Number of items scored.</summary>
    public int Count => Score.Length;
}
