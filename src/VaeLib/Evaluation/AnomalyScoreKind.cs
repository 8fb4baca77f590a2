namespace VaeLib.Evaluation;

/// <summary>
/// How <see cref="AnomalyScorer"/> scores an item; every kind is an upper bound on −log p(x) in expectation over its
/// samples, so higher means more anomalous. (The ONNX export's deterministic score, −log p(x | z = μ) + KL, is none of
/// these and no bound; see docs/deployment.md.)
/// </summary>
public enum AnomalyScoreKind
{
    /// <summary>
    /// −ELBO(x) = −(1/S) Σ_s log p(x|z_s) + KL(q(z|x) ‖ N(0, I)), z_s ~ q(z|x): the training loss of the item (β = 1).
    /// </summary>
    NegativeElbo,

    /// <summary>
    /// −log p̂(x), the negative importance-weighted estimate of <see cref="MarginalLikelihood.ImportanceWeighted(VariationalAutoencoder, TorchSharp.torch.Tensor, int, TorchSharp.torch.Generator?)"/>
    /// with K samples: a tighter bound than the ELBO, K times the decoder work.
    /// </summary>
    NegativeImportanceWeighted,
}
