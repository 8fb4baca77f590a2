using VaeLib.Data;
using static TorchSharp.torch;

namespace VaeLib.Evaluation;

/// <summary>
/// Evaluates a trained model in one call: how well it explains held-out data (negative ELBO and importance-weighted
/// log p(x)), how many latent dimensions it uses, how well it reconstructs beside PCA with as many components, and,
/// for labelled data, how linearly separable the classes are in its μ beside the PCA scores.
/// </summary>
public static class ModelEvaluation
{
    /// <summary>Runs every measurement of <see cref="EvaluationReport"/> without gradients; the model's mode is restored.</summary>
    /// <param name="model">A trained model.</param>
    /// <param name="train">The data it was trained on: PCA and the linear probes (on at most <see cref="EvaluationOptions.ProbeItems"/> of its items) are fitted on it.</param>
    /// <param name="test">Held-out data: everything is measured on it.</param>
    /// <param name="options">Settings; null for the defaults.</param>
    /// <returns>The measurements, per test item.</returns>
    /// <exception cref="ArgumentException">The items' shape differs from the model's, or a data set is empty.</exception>
    public static EvaluationReport Evaluate(VariationalAutoencoder model, IDataset train, IDataset test, EvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        MarginalLikelihood.CheckData(model, train);
        MarginalLikelihood.CheckData(model, test);
        options ??= new EvaluationOptions();
        int batchSize = options.BatchSize;
        LikelihoodEstimate likelihood = MarginalLikelihood.Estimate(model, test, options.Likelihood);
        using LatentCodes testCodes = LatentCodes.Encode(model, test, batchSize);
        LatentDiagnostics latent = LatentDiagnostics.Of(testCodes, options.ActivityThreshold);
        double squaredError = SquaredError(model, test, batchSize);

        long itemSize = Shapes.ElementCount(model.InputShape);
        int components = (int)Math.Min(model.LatentSize, itemSize);
        using PrincipalComponentModel? pca = itemSize <= PrincipalComponentModel.MaxDimension ? PrincipalComponentModel.Fit(train, components, batchSize) : null;
        double? pcaSquaredError = pca?.ReconstructionError(test, batchSize);
        if (ClassCount(train, test) is not int classCount)
        {
            return new EvaluationReport(likelihood, latent, squaredError, components, pcaSquaredError, null, null, null);
        }

        ILabeledDataset probeTrain = train.Count <= options.ProbeItems
            ? (ILabeledDataset)train
            : new DatasetSubset(train, Enumerable.Range(0, options.ProbeItems).Select(i => i * train.Count / options.ProbeItems).ToArray());
        IReadOnlyList<int> testLabels = ((ILabeledDataset)test).Labels;
        double probeAccuracy;
        using (LatentCodes trainCodes = LatentCodes.Encode(model, probeTrain, batchSize))
        {
            probeAccuracy = ProbeAccuracy(trainCodes.Mean, probeTrain.Labels, testCodes.Mean, testLabels, classCount);
        }

        double? pcaProbeAccuracy = null;
        if (pca is not null)
        {
            using var scope = NewDisposeScope();
            pcaProbeAccuracy = ProbeAccuracy(pca.Transform(probeTrain, batchSize), probeTrain.Labels, pca.Transform(test, batchSize), testLabels, classCount);
        }

        IReadOnlyList<int> trainLabels = ((ILabeledDataset)train).Labels;
        int majority = trainLabels.GroupBy(label => label).OrderByDescending(group => group.Count()).ThenBy(group => group.Key).First().Key;
        double majorityRate = testLabels.Count(label => label == majority) / (double)testLabels.Count;
        return new EvaluationReport(likelihood, latent, squaredError, components, pcaSquaredError, probeAccuracy, pcaProbeAccuracy, majorityRate);
    }

    /// <summary>
    /// The model's reconstruction error: the mean over items of ‖x − E[x | z = μ(x)]‖², summed over each item's values,
    /// in evaluation mode without gradients; the model's mode is restored.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="data">Items of the model's input shape.</param>
    /// <param name="batchSize">Items reconstructed at once.</param>
    /// <returns>The mean squared error per item.</returns>
    public static double SquaredError(VariationalAutoencoder model, IDataset data, int batchSize = 1000)
    {
        ArgumentNullException.ThrowIfNull(model);
        MarginalLikelihood.CheckData(model, data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        using IDisposable mode = DatasetBatches.EvaluationMode(model);
        return DatasetBatches.MeanSquaredError(data, batchSize, batch => model.Reconstruct(batch.to(model.Device)));
    }

    /// <summary>The number of classes when both sets carry one label per item and the training set has two classes or more.</summary>
    private static int? ClassCount(IDataset train, IDataset test)
    {
        if (train is not ILabeledDataset labelledTrain || test is not ILabeledDataset labelledTest
            || labelledTrain.Labels.Count != train.Count || labelledTest.Labels.Count != test.Count
            || labelledTrain.Labels.Distinct().Take(2).Count() < 2)
        {
            return null;
        }

        return Math.Max(labelledTrain.LabelNames.Count, Math.Max(labelledTrain.Labels.Max(), labelledTest.Labels.Max()) + 1);
    }

    private static double ProbeAccuracy(Tensor trainFeatures, IReadOnlyList<int> trainLabels, Tensor testFeatures, IReadOnlyList<int> testLabels, int classCount)
    {
        using LinearProbe probe = LinearProbe.Fit(trainFeatures, trainLabels, classCount);
        return probe.Accuracy(testFeatures, testLabels);
    }
}
