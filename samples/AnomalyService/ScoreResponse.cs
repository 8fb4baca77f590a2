namespace AnomalyService;

/// <summary>The answer of <c>POST /score</c>, one value per item in the request's order, in nats.</summary>
/// <param name="Scores">The anomaly scores: higher is more anomalous.</param>
/// <param name="ReconstructionLogLikelihood">log p(x | z = μ) per item.</param>
/// <param name="Kl">KL(q(z|x) ‖ N(0, I)) per item.</param>
internal sealed record ScoreResponse(float[] Scores, float[] ReconstructionLogLikelihood, float[] Kl);
