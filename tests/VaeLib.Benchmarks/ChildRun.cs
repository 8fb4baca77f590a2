using System.Diagnostics;
using System.Text.Json;

namespace VaeLib.Benchmarks;

/// <summary>One benchmark row: a program run as its own process, so its memory is measured alone.</summary>
internal sealed record RowSpec(string Name, string Model, string FileName, IReadOnlyList<string> Arguments, string? MetricsFile);

/// <summary>The per-epoch figures a row's program reported, and its peak resident memory sampled from /proc.</summary>
internal sealed record RowResult(RowSpec Spec, IReadOnlyList<EpochFigures> Epochs, double PeakResidentMb, string? Failure)
{
    public bool Succeeded => Failure is null && Epochs.Count > 0;

    // The figures are NaN for a row that ran no epoch (a skipped peer), so results.json can still be written.

    /// <summary>Training items per second over all epochs (total items over total training seconds).</summary>
    public double SamplesPerSecond => Epochs.Count == 0 ? double.NaN : Epochs.Sum(epoch => epoch.Seconds * epoch.SamplesPerSecond) / Epochs.Sum(epoch => epoch.Seconds);

    public double SecondsPerEpoch => Epochs.Count == 0 ? double.NaN : Epochs.Average(epoch => epoch.Seconds);

    public double TestLoss => Epochs.Count == 0 ? double.NaN : Epochs[^1].TestLoss;

    public double FinalResidentMb => Epochs.Count == 0 ? double.NaN : Epochs[^1].ResidentMb;

    /// <summary>Resident memory after the last epoch relative to after the second, in percent (NaN with fewer than 3 epochs).</summary>
    public double GrowthFromSecondEpochPercent => Epochs.Count < 3 ? double.NaN : 100 * ((Epochs[^1].ResidentMb / Epochs[1].ResidentMb) - 1);
}

/// <summary>One epoch as a row's program reported it.</summary>
internal sealed record EpochFigures(int Epoch, double Seconds, double SamplesPerSecond, double TestLoss, double ResidentMb);

/// <summary>Runs a row's program, samples its peak resident memory, and reads its JSON lines.</summary>
internal static class ChildRun
{
    public static RowResult Run(RowSpec spec, TextWriter log)
    {
        var start = new ProcessStartInfo(spec.FileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in spec.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        log.WriteLine($"-- {spec.Name}: {spec.FileName} {string.Join(' ', spec.Arguments)}");
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {spec.FileName}");
        var lines = new List<string>();
        var errors = new List<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (lines)
                {
                    lines.Add(e.Data);
                }

                log.WriteLine($"   {e.Data}");
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (errors)
                {
                    errors.Add(e.Data);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        double peak = 0;
        while (!process.WaitForExit(100))
        {
            double now = ProcessMemory.PeakMegabytes(process.Id);
            if (!double.IsNaN(now))
            {
                peak = Math.Max(peak, now);
            }
        }

        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            return new RowResult(spec, [], peak, $"exit code {process.ExitCode}: {string.Join(" | ", errors.TakeLast(3))}");
        }

        IEnumerable<string> jsonLines = spec.MetricsFile is null ? lines : File.ReadLines(spec.MetricsFile);
        var epochs = jsonLines.Where(line => line.StartsWith('{')).Select(Parse).ToList();
        return new RowResult(spec, epochs, peak, epochs.Count == 0 ? "no epoch lines" : null);
    }

    private static EpochFigures Parse(string line)
    {
        using var document = JsonDocument.Parse(line);
        JsonElement root = document.RootElement;
        return new EpochFigures(
            root.GetProperty("epoch").GetInt32(),
            root.GetProperty("seconds").GetDouble(),
            root.GetProperty("samples_per_s").GetDouble(),
            root.GetProperty("test_loss").GetDouble(),
            root.GetProperty("rss_mb").GetDouble());
    }
}
