using System.Diagnostics;
using System.Globalization;
using System.Text;
using VaeLib.Data;
using VaeLib.Onnx;
using VaeLib.Onnx.Runtime;
using VaeLib.Persistence;
using static TorchSharp.torch;

namespace VaeLib.Benchmarks;

/// <summary>What the scoring benchmark runs.</summary>
/// <param name="Model">A saved 784-400-20 model (e.g. from vae train --data fashion-mnist), or null for random initial weights.</param>
/// <param name="Iterations">Timed calls at batch 1, per engine.</param>
/// <param name="PublishSizes">Whether to publish the scoring sample twice (self-contained, ONNX Runtime and TorchSharp) and measure both.</param>
/// <param name="OutputFolder">Folder for results-scoring.md and the publish outputs.</param>
internal sealed record ScoringSettings(string? Model, int Iterations, bool PublishSizes, string OutputFolder);

/// <summary>
/// Deployment benchmark, one run, side by side: the deterministic anomaly score (KL − log p(x | z = μ)) of the
/// Fashion-MNIST MLP, from raw pixel values in a float array to scores in a float array, with ONNX Runtime (the
/// exported scorer) and with VaeLib on TorchSharp; latency at batch 1 (p50, p99) and throughput at batch 256, CPU.
/// Then the size of a self-contained publish of samples/AnomalyService on each.
/// </summary>
internal static class ScoringBenchmark
{
    private const int Batch = 256;
    private const int ThroughputRounds = 4;
    private const int Blocks = 10;

    public static int Run(ScoringSettings settings)
    {
        string output = Path.GetFullPath(settings.OutputFolder);
        Directory.CreateDirectory(output);
        VaeLib.Runtime.NativeAllocator.ReuseHeapForTensorBuffers();

        using SavedModel saved = settings.Model is null
            ? new SavedModel(new VaeArchitecture().Build(), new VaeArchitecture(), new Dictionary<string, string> { ["data"] = KnownDataSources.FashionMnist })
            : SavedModel.Load(settings.Model);
        if (!saved.Model.InputShape.SequenceEqual([1L, 28, 28]))
        {
            Console.Error.WriteLine($"error: the benchmark scores Fashion-MNIST items [1, 28, 28]; the model reads [{string.Join(", ", saved.Model.InputShape)}].");
            return 2;
        }

        saved.Model.eval();
        string export = Path.Combine(output, "onnx");
        OnnxExporter.Export(saved, export, new OnnxExportOptions { Preprocessing = InputPreprocessing.PixelIntensities });
        float[] pixels = TestPixels(Batch);
        using var scorer = new OnnxScorer(export);
        var torchScorer = new TorchScorer(saved.Model);

        float difference = scorer.Score(pixels).Score.Zip(torchScorer.Score(pixels, Batch), (a, b) => Math.Abs(a - b)).Max();
        string weights = settings.Model is null ? "random initial weights" : $"weights of {settings.Model}";
        Console.WriteLine($"Fashion-MNIST MLP 784-400-20 ({weights}); libtorch threads {get_num_threads()}, {Environment.ProcessorCount} cores; max |score difference| at batch {Batch}: {difference:G3} nats");

        // The engines take turns in blocks, so that load from other processes on a shared machine falls on both alike.
        // Each engine with its default threads (all cores) and with one thread: on a loaded machine, handing small
        // operations to other threads costs more than they save.
        int threads = get_num_threads();
        using var oneThreadOptions = new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var oneThreadScorer = new OnnxScorer(export, oneThreadOptions);
        (string Name, int TorchThreads, Func<float[], int, float[]> Score)[] engines =
        [
            ($"ONNX Runtime (VaeLib.Onnx.Runtime), default threads", threads, (items, count) => scorer.Score(items).Score),
            ($"VaeLib on TorchSharp, {threads} threads", threads, torchScorer.Score),
            ("ONNX Runtime, 1 thread", threads, (items, count) => oneThreadScorer.Score(items).Score),
            ("VaeLib on TorchSharp, 1 thread", 1, torchScorer.Score),
        ];
        float[] one = pixels[..784];
        var latencies = engines.Select(_ => new List<double>()).ToArray();
        var throughputs = engines.Select(_ => new List<double>()).ToArray();
        foreach (var engine in engines)
        {
            set_num_threads(engine.TorchThreads);
            Latencies(() => engine.Score(one, 1), 100); // warm-up
        }

        for (int block = 0; block < Blocks; block++)
        {
            for (int e = 0; e < engines.Length; e++)
            {
                var engine = engines[e];
                set_num_threads(engine.TorchThreads);
                latencies[e].AddRange(Latencies(() => engine.Score(one, 1), Math.Max(1, settings.Iterations / Blocks)));
                throughputs[e].Add(Throughput(() => engine.Score(pixels, Batch)));
            }
        }

        set_num_threads(threads);
        var rows = new List<string>();
        for (int e = 0; e < engines.Length; e++)
        {
            double[] all = [.. latencies[e]];
            string row = string.Create(CultureInfo.InvariantCulture, $"| {engines[e].Name} | {Percentile(all, 0.5):F3} | {Percentile(all, 0.99):F3} | {Percentile([.. throughputs[e]], 0.5):F0} |");
            Console.WriteLine(row);
            rows.Add(row);
        }

        string load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
        var report = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Scoring benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores (load average {load} at the end), Fashion-MNIST MLP 784-400-20 ({weights}); max |score difference| {difference:G3} nats.")
            .AppendLine()
            .AppendLine("| engine | batch 1 p50 (ms) | batch 1 p99 (ms) | batch 256, median of blocks (items/s) |")
            .AppendLine("|---|---|---|---|");
        rows.ForEach(row => report.AppendLine(row));
        if (settings.PublishSizes)
        {
            report.AppendLine().AppendLine("| self-contained publish of samples/AnomalyService (linux-x64) | size (MB) |").AppendLine("|---|---|");
            foreach ((string name, string baseline) in new[] { ("on VaeLib.Onnx.Runtime (as shipped)", "none"), ("the same service scoring with VaeLib on TorchSharp-cpu (untrimmed)", "torchsharp") })
            {
                double megabytes = PublishedMegabytes(output, baseline);
                string row = string.Create(CultureInfo.InvariantCulture, $"| {name} | {megabytes:F1} |");
                Console.WriteLine(row);
                report.AppendLine(row);
            }
        }

        File.WriteAllText(Path.Combine(output, "results-scoring.md"), report.ToString());
        Console.WriteLine($"Wrote {Path.Combine(output, "results-scoring.md")}");
        return 0;
    }

    /// <summary>Fashion-MNIST test images as pixel values 0–255 when installed, otherwise uniform random ones.</summary>
    private static float[] TestPixels(int count)
    {
        using var scope = NewDisposeScope();
        try
        {
            using DataSplits data = IdxDataLoader.LoadKnown(KnownDataSources.FashionMnist);
            return data.Test.GetBatch(arange((long)count)).mul(255).round().flatten().data<float>().ToArray();
        }
        catch (DataFormatException)
        {
            var random = new Random(1);
            return Enumerable.Range(0, count * 784).Select(_ => (float)random.Next(256)).ToArray();
        }
    }

    private static double[] Latencies(Action call, int iterations)
    {
        var latencies = new double[iterations];
        for (int i = 0; i < iterations; i++)
        {
            long start = Stopwatch.GetTimestamp();
            call();
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        return latencies;
    }

    private static double Throughput(Action call)
    {
        var stopwatch = Stopwatch.StartNew();
        for (int i = 0; i < ThroughputRounds; i++)
        {
            call();
        }

        return ThroughputRounds * Batch / stopwatch.Elapsed.TotalSeconds;
    }

    private static double Percentile(double[] values, double fraction)
    {
        double[] sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(fraction * sorted.Length) - 1)];
    }

    /// <summary>Publishes the sample self-contained for linux-x64 into its own artifacts folder (the source tree's obj is left alone) and sums the files.</summary>
    private static double PublishedMegabytes(string output, string baseline)
    {
        string repository = FindRepository();
        string artifacts = Path.Combine(output, $"publish-{baseline}");
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (string argument in new[]
        {
            "publish", Path.Combine(repository, "samples", "AnomalyService", "AnomalyService.csproj"), "-c", "Release", "-r", "linux-x64", "--self-contained",
            "--artifacts-path", artifacts, "-o", Path.Combine(artifacts, "out"), $"-p:ScoringSizeBaseline={baseline}",
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        string log = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish ({baseline}) failed: {log}");
        }

        return Directory.GetFiles(Path.Combine(artifacts, "out"), "*", SearchOption.AllDirectories).Sum(file => new FileInfo(file).Length) / 1e6;
    }

    private static string FindRepository()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "VaeLib.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("The benchmark must run from the repository's build output (VaeLib.sln not found above it).");
    }

    /// <summary>The same computation on TorchSharp: pixels / 255, encode, decode μ, KL − log p(x|z = μ), from and to float arrays.</summary>
    private sealed class TorchScorer(VariationalAutoencoder model)
    {
        public float[] Score(float[] pixels, int count)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            Tensor x = tensor(pixels, [count, 1, 28, 28]).div_(255f);
            var posterior = model.Encode(x);
            Tensor score = posterior.KlToStandardNormal().sub_(model.Likelihood.LogProb(x, model.Decode(posterior.Mean)));
            return score.data<float>().ToArray();
        }
    }
}
