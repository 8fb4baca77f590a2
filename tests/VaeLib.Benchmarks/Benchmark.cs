using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using VaeLib.Data;

namespace VaeLib.Benchmarks;

/// <summary>What to run.</summary>
internal sealed record BenchmarkSettings(int Epochs, int ConvEpochs, string Python, string OutputFolder);

/// <summary>Runs every row one after another on this machine and writes one table.</summary>
internal static class Benchmark
{
    private const string VaeLibMlp = "VaeLib (vae train)";
    private const string PeerMlp = "PyTorch peer (classic example, DataLoader)";
    private const string PeerMlpTensor = "PyTorch peer, batches sliced from a float tensor";
    private const string MinimalMlp = "minimal TorchSharp loop";
    private const string VaeLibConv = "VaeLib conv (vae train --model conv)";
    private const string PeerConv = "PyTorch peer conv";
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static int Run(BenchmarkSettings settings)
    {
        if (settings.Epochs < 3 || settings.ConvEpochs < 0)
        {
            Console.Error.WriteLine("error: --epochs must be at least 3 (memory growth is measured from epoch 2) and --conv-epochs at least 0.");
            return 2;
        }

        string data;
        try
        {
            data = KnownDataSources.Resolve(KnownDataSources.FashionMnist);
        }
        catch (DataFormatException exception)
        {
            Console.Error.WriteLine($"error: {exception.Message}");
            return 1;
        }

        string output = Path.GetFullPath(settings.OutputFolder);
        Directory.CreateDirectory(output);
        string here = AppContext.BaseDirectory;
        string vae = Path.Combine(here, "vae.dll");
        string peer = Path.Combine(here, "peer", "pytorch_vae.py");
        string? peerProblem = PeerProblem(settings.Python);
        int cores = Environment.ProcessorCount;
        string epochs = settings.Epochs.ToString(CultureInfo.InvariantCulture);
        string convEpochs = settings.ConvEpochs.ToString(CultureInfo.InvariantCulture);

        VaeLib.Runtime.NativeAllocator.ReuseHeapForTensorBuffers();
        Console.WriteLine($"Machine: {cores} cores, libtorch threads {TorchSharp.torch.get_num_threads()}; measuring the fp32 matmul rate and VaeLib's step...");
        double matmul = MachineProbe.MatmulGflops();
        StepBreakdown step = MachineProbe.MlpStep();

        var rows = new List<RowSpec>
        {
            VaeTrain(VaeLibMlp, "mlp", vae, epochs, output),
            new(MinimalMlp, "mlp", "dotnet", [Path.Combine(here, "VaeLib.Benchmarks.dll"), "minimal", "--epochs", epochs], null),
            new(PeerMlp, "mlp", settings.Python, [peer, "--data", data, "--model", "mlp", "--epochs", epochs, "--threads", cores.ToString(CultureInfo.InvariantCulture)], null),
            new(PeerMlpTensor, "mlp", settings.Python, [peer, "--data", data, "--model", "mlp", "--epochs", epochs, "--threads", cores.ToString(CultureInfo.InvariantCulture), "--loader", "tensor"], null),
        };
        if (settings.ConvEpochs > 0)
        {
            rows.Add(VaeTrain(VaeLibConv, "conv", vae, convEpochs, output));
            rows.Add(new(PeerConv, "conv", settings.Python, [peer, "--data", data, "--model", "conv", "--epochs", convEpochs, "--threads", cores.ToString(CultureInfo.InvariantCulture)], null));
        }

        var results = new List<RowResult>();
        foreach (RowSpec row in rows)
        {
            if (row.FileName == settings.Python && peerProblem is not null)
            {
                Console.WriteLine($"-- {row.Name}: skipped, {peerProblem}");
                results.Add(new RowResult(row, [], double.NaN, $"skipped: {peerProblem}"));
                continue;
            }

            results.Add(ChildRun.Run(row, Console.Out));
        }

        string report = Report(settings, cores, matmul, step, results);
        Console.WriteLine();
        Console.WriteLine(report);
        File.WriteAllText(Path.Combine(output, "results.md"), report);
        File.WriteAllText(Path.Combine(output, "results.json"), JsonSerializer.Serialize(new { settings, cores, matmulGflops = matmul, step, results }, JsonOptions));
        Console.WriteLine($"Results in {output}");
        return results.Any(result => result.Failure is { } failure && !failure.StartsWith("skipped", StringComparison.Ordinal)) ? 1 : 0;
    }

    private static RowSpec VaeTrain(string name, string model, string vae, string epochs, string output)
    {
        string folder = Path.Combine(output, model == "mlp" ? "vaelib-mlp" : "vaelib-conv");
        return new RowSpec(name, model, "dotnet", [vae, "train", "--data", KnownDataSources.FashionMnist, "--model", model, "--epochs", epochs, "--quiet", "--out", folder], Path.Combine(folder, "metrics.jsonl"));
    }

    /// <summary>Why the PyTorch peer cannot run here, or null when it can.</summary>
    private static string? PeerProblem(string python)
    {
        try
        {
            var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("import torch");
            using var process = Process.Start(start)!;
            process.WaitForExit();
            return process.ExitCode == 0 ? null : $"{python} cannot import torch: install it with 'apt-get install python3-torch libopenblas0-pthread'";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return $"{python} was not found: install 'python3-torch libopenblas0-pthread' with apt-get";
        }
    }

    private static string Report(BenchmarkSettings settings, int cores, double matmul, StepBreakdown step, IReadOnlyList<RowResult> results)
    {
        var text = new StringBuilder();
        CultureInfo c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"Fashion-MNIST, 60 000 training images, batch 128, Adam 1e-3, {cores} cores. MLP 784-400-20 for {settings.Epochs} epochs; conv for {settings.ConvEpochs}.");
        text.AppendLine();
        text.AppendLine("| row | epochs | samples/s | s/epoch | test loss | peak RSS MB | final RSS MB | RSS epoch 2→last | VaeLib's speed ÷ row's |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (RowResult row in results)
        {
            if (!row.Succeeded)
            {
                text.AppendLine(c, $"| {row.Spec.Name} | – | – | – | – | – | – | – | {row.Failure} |");
                continue;
            }

            RowResult? vaeLib = results.FirstOrDefault(other => other.Succeeded && other.Spec.Model == row.Spec.Model && other.Spec.Name.StartsWith("VaeLib", StringComparison.Ordinal));
            string ratio = vaeLib is null ? "–" : (vaeLib.SamplesPerSecond / row.SamplesPerSecond).ToString("F2", c) + "×";
            string growth = double.IsNaN(row.GrowthFromSecondEpochPercent) ? "–" : row.GrowthFromSecondEpochPercent.ToString("+0.0;-0.0", c) + " %";
            text.AppendLine(c, $"| {row.Spec.Name} | {row.Epochs.Count} | {row.SamplesPerSecond:F0} | {row.SecondsPerEpoch:F2} | {row.TestLoss:F2} | {row.PeakResidentMb:F0} | {row.FinalResidentMb:F0} | {growth} | {ratio} |");
        }

        text.AppendLine();
        RowResult? mlp = results.FirstOrDefault(row => row.Succeeded && row.Spec.Name == VaeLibMlp);
        text.AppendLine(c, $"Matrix-multiply peak (best 2048³ fp32 product, libtorch, {TorchSharp.torch.get_num_threads()} threads): {matmul:F1} GFLOP/s.");
        if (mlp is not null)
        {
            double achieved = mlp.SamplesPerSecond * MachineProbe.MlpTrainingFlopsPerItem / 1e9;
            text.AppendLine(c, $"VaeLib's MLP training: {achieved:F1} GFLOP/s of matmul work ({MachineProbe.MlpTrainingFlopsPerItem / 1e6:F2} MFLOP per image), {100 * achieved / matmul:F0} % of that peak.");
        }

        text.AppendLine(c, $"Where a VaeLib minibatch of 128 goes (medians, in this process): gathering it from bytes {step.DataMs:F2} ms, forward + loss + backward {step.ForwardBackwardMs:F2} ms, Adam step {step.OptimizerMs:F2} ms.");
        text.AppendLine(c, $"Whole step timed in alternation with the minimal loop's (same process, same batches): VaeLib {step.VaeLibStepMs:F2} ms, minimal loop {step.MinimalStepMs:F2} ms, ratio {step.MinimalStepMs / step.VaeLibStepMs:F2}×.");
        return text.ToString();
    }
}
