using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using VaeLib.Cli.Reporting;
using VaeLib.Data;
using VaeLib.Evaluation;
using VaeLib.Persistence;
using VaeLib.Storage;
using static TorchSharp.torch;

namespace VaeLib.Cli.Commands;

/// <summary><c>vae eval</c>: how well a saved model explains and represents its test data.</summary>
internal static class EvaluateCommand
{
    private const int MapItems = 2000;
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static Command Create()
    {
        var shared = new ModelCommandOptions(null, "The folder for evaluation.json and latent-pca.png (default: the model folder).");
        var data = ModelData.Option();
        var samples = new Option<int>("--iwae-samples") { Description = "Importance samples K per item for log p(x); the estimate is also shown at 1, 10, 100, … below K.", DefaultValueFactory = _ => 1000 };
        var items = new Option<int?>("--items") { Description = "Evaluate only the first N test items (default: all)." };
        var command = new Command("eval", "Evaluate a saved model on its test data: negative ELBO, importance-weighted log p(x), active units, PCA and linear-probe comparisons.") { data, samples, items };
        shared.AddTo(command);
        command.SetAction(result =>
        {
            int sampleCount = result.GetValue(samples);
            string modelFolder = result.GetValue(shared.Model)!;
            string folder = result.GetValue(shared.Output) ?? modelFolder;
            using SavedModel saved = shared.Load(result);
            ConditionLabels.RequireUnconditional(saved, "eval");
            VariationalAutoencoder model = saved.Model;
            using OpenedData splits = ModelData.OpenFor(saved, result.GetValue(data), result.GetValue(shared.Seed));
            IDataset test = result.GetValue(items) is int limit && limit < splits.Test.Count
                ? new DatasetSubset(splits.Test, Enumerable.Range(0, limit).Select(i => (long)i).ToArray())
                : splits.Test;
            var options = new EvaluationOptions
            {
                Likelihood = new MarginalLikelihoodOptions { SampleCounts = SampleCounts(sampleCount), Seed = (ulong)result.GetValue(shared.Seed) },
            };

            Console.WriteLine($"Evaluating {modelFolder} on {test.Count} test items of {splits.Source} with {sampleCount} importance samples each; PCA is fitted on {splits.Train.Count} training items, the probes on at most {options.ProbeItems}…");
            var clock = Stopwatch.StartNew();
            EvaluationReport report = ModelEvaluation.Evaluate(model, splits.Train, test, options);
            double seconds = clock.Elapsed.TotalSeconds;
            foreach (string line in Describe(report, model))
            {
                Console.WriteLine(line);
            }

            Directory.CreateDirectory(folder);
            string reportPath = Path.Combine(folder, "evaluation.json");
            AtomicFile.Write(reportPath, path => File.WriteAllText(path, JsonSerializer.Serialize(ToJson(report, modelFolder, splits.Source, seconds), Json)));
            string written = reportPath;
            if (test is ILabeledDataset { Labels.Count: > 0 } labelled && Shapes.ElementCount(model.InputShape) >= 2)
            {
                string mapPath = Path.Combine(folder, "latent-pca.png");
                SavePcaMap(labelled, mapPath);
                written += $" and {mapPath}";
            }

            Console.WriteLine($"Wrote {written} ({seconds.ToString("F1", CultureInfo.InvariantCulture)} s).");
            if (report.Latent.PosteriorCollapse)
            {
                Console.Error.WriteLine(
                    $"warning: posterior collapse: only {report.Latent.ActiveUnits} of {model.LatentSize} latent dimensions are active (KL {Format(report.Likelihood.Kl)} nats in all). "
                    + "The decoder barely uses z; try a smaller β, KL warm-up or free bits, or a smaller latent size.");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>1, 10, 100, … below K, then K itself.</summary>
    internal static int[] SampleCounts(int largest)
    {
        var counts = new List<int>();
        for (long k = 1; k < largest; k *= 10)
        {
            counts.Add((int)k);
        }

        counts.Add(largest);
        return [.. counts];
    }

    private static IEnumerable<string> Describe(EvaluationReport report, VariationalAutoencoder model)
    {
        LikelihoodEstimate likelihood = report.Likelihood;
        yield return $"  negative ELBO        {Format(likelihood.NegativeElbo)} nats per item (reconstruction {Format(likelihood.Reconstruction)} + KL {Format(likelihood.Kl)})";
        for (int c = 0; c < likelihood.SampleCounts.Count; c++)
        {
            string k = $"K = {likelihood.SampleCounts[c]}";
            yield return $"  −log p(x) ≤ {k,-9} {Format(-likelihood.LogLikelihood[c])} ± {Format(likelihood.StandardError[c])} (importance-weighted)";
        }

        LatentDiagnostics latent = report.Latent;
        yield return $"  active units         {latent.ActiveUnits} of {model.LatentSize} (variance of μ_d over the test items > {latent.Threshold.ToString(CultureInfo.InvariantCulture)})";
        yield return $"  KL per dimension     {string.Join(' ', latent.KlPerDimension.Select(kl => kl.ToString("F2", CultureInfo.InvariantCulture)))}";
        string pca = report.PcaSquaredError is double pcaError ? $", PCA with {report.PcaComponents} components {Format(pcaError)}" : " (PCA skipped: items too large)";
        yield return $"  squared error        VAE {Format(report.SquaredError)}{pca} (per item, summed over {Shapes.ElementCount(model.InputShape)} values)";
        if (report.ProbeAccuracy is double probe)
        {
            string pcaProbe = report.PcaProbeAccuracy is double pcaAccuracy ? $", PCA scores {Percent(pcaAccuracy)}" : string.Empty;
            yield return $"  linear probe         VAE μ {Percent(probe)}{pcaProbe}, majority class {Percent(report.MajorityRate!.Value)} (test accuracy)";
        }
    }

    private static Dictionary<string, object?> ToJson(EvaluationReport report, string model, string data, double seconds) => new Dictionary<string, object?>
    {
        ["model"] = Path.GetFullPath(model),
        ["data"] = data,
        ["items"] = report.Likelihood.Count,
        ["seconds"] = Math.Round(seconds, 3),
        ["negative_elbo"] = report.Likelihood.NegativeElbo,
        ["reconstruction"] = report.Likelihood.Reconstruction,
        ["kl"] = report.Likelihood.Kl,
        ["importance_weighted"] = report.Likelihood.SampleCounts.Select((k, c) => new Dictionary<string, object>
        {
            ["k"] = k,
            ["negative_log_likelihood"] = -report.Likelihood.LogLikelihood[c],
            ["standard_error"] = report.Likelihood.StandardError[c],
        }).ToArray(),
        ["latent_size"] = report.Latent.Activity.Count,
        ["active_units"] = report.Latent.ActiveUnits,
        ["activity_threshold"] = report.Latent.Threshold,
        ["posterior_collapse"] = report.Latent.PosteriorCollapse,
        ["kl_per_dimension"] = report.Latent.KlPerDimension,
        ["activity"] = report.Latent.Activity,
        ["squared_error"] = report.SquaredError,
        ["pca_components"] = report.PcaComponents,
        ["pca_squared_error"] = report.PcaSquaredError,
        ["probe_accuracy"] = report.ProbeAccuracy,
        ["pca_probe_accuracy"] = report.PcaProbeAccuracy,
        ["majority_rate"] = report.MajorityRate,
    };

    /// <summary>The first test items in the first two principal components of their own values: the linear counterpart of latent.png.</summary>
    private static void SavePcaMap(ILabeledDataset data, string path)
    {
        using var scope = NewDisposeScope();
        long count = Math.Min(MapItems, data.Count);
        Tensor points = PrincipalComponents.Project(data.GetBatch(arange(count)).flatten(1), 2);
        float[] xs = points[.., 0].contiguous().data<float>().ToArray();
        float[] ys = points[.., 1].contiguous().data<float>().ToArray();
        Charts.SaveLatent(xs, ys, data.Labels.Take((int)count).ToArray(), data.LabelNames, "first two principal components", path, "Test-set inputs");
    }

    private static string Format(double value) => value.ToString("F2", CultureInfo.InvariantCulture);

    private static string Percent(double value) => (100 * value).ToString("F1", CultureInfo.InvariantCulture) + " %";
}
