namespace VaeLib.Evaluation;

/// <summary>What <see cref="ModelEvaluation.Evaluate"/> measured on a test set, per item.</summary>
/// <param name="Likelihood">The negative ELBO and its parts, and the importance-weighted estimates of log p(x), in nats.</param>
/// <param name="Latent">KL per latent dimension and the active units, from the test items' codes.</param>
/// <param name="SquaredError">The VAE's reconstruction error: the mean over items of ‖x − E[x | z = μ(x)]‖², summed over each item's values.</param>
/// <param name="PcaComponents">The number of principal components PCA uses: the model's latent size (at most the item size).</param>
/// <param name="PcaSquaredError">
/// The same error for PCA with <paramref name="PcaComponents"/> components fitted on the training set, the linear
/// baseline; null when items have more than <see cref="PrincipalComponentModel.MaxDimension"/> values.
/// </param>
/// <param name="ProbeAccuracy">Test accuracy of a <see cref="LinearProbe"/> on μ, fitted on training items' μ; null without labels.</param>
/// <param name="PcaProbeAccuracy">Test accuracy of the same probe on the PCA scores; null without labels or PCA.</param>
/// <param name="MajorityRate">The test accuracy of always answering the most common training label; null without labels.</param>
public sealed record EvaluationReport(
    LikelihoodEstimate Likelihood,
    LatentDiagnostics Latent,
    double SquaredError,
    int PcaComponents,
    double? PcaSquaredError,
    double? ProbeAccuracy,
    double? PcaProbeAccuracy,
    double? MajorityRate);
