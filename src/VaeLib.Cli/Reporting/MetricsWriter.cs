using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using VaeLib.Training;

namespace VaeLib.Cli.Reporting;

/// <summary>Appends one JSON object per epoch to each metrics file, flushed as the epoch ends.</summary>
internal sealed class MetricsWriter : IDisposable
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.Never };
    private readonly List<StreamWriter> writers = [];

    /// <summary>Opens the files, and writes the epochs already done (of a resumed run) first.</summary>
    public MetricsWriter(IEnumerable<string> paths, IReadOnlyList<EpochReport> completed)
    {
        foreach (string path in paths.Distinct(StringComparer.Ordinal))
        {
            string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
            if (folder is not null)
            {
                Directory.CreateDirectory(folder);
            }

            writers.Add(new StreamWriter(path, append: false) { AutoFlush = true });
        }

        foreach (EpochReport report in completed)
        {
            Write(report, memory: null);
        }
    }

    public void Write(EpochReport report)
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        Write(report, new MemoryFigures(Megabytes(process.WorkingSet64), Megabytes(process.PeakWorkingSet64), Megabytes(GC.GetGCMemoryInfo().HeapSizeBytes)));
    }

    private static double Megabytes(long bytes) => Math.Round(bytes / (1024.0 * 1024.0), 1);

    private void Write(EpochReport report, MemoryFigures? memory)
    {
        var line = new EpochMetrics(
            report.Epoch,
            Math.Round(report.Seconds, 3),
            Math.Round(report.SamplesPerSecond, 1),
            report.TrainLoss,
            Finite(report.TrainReconstruction),
            Finite(report.TrainKl),
            report.Validation?.Loss,
            Finite(report.Validation?.Reconstruction),
            Finite(report.Validation?.Kl),
            memory?.Resident,
            memory?.PeakResident,
            memory?.ManagedHeap)
        {
            OtherTerms = OtherTerms(report),
        };
        string text = JsonSerializer.Serialize(line, Json);
        foreach (StreamWriter writer in writers)
        {
            writer.WriteLine(text);
        }
    }

    /// <summary>A term the objective does not have (NaN) is written as null.</summary>
    private static double? Finite(double? value) => value is double number && double.IsFinite(number) ? number : null;

    /// <summary>Terms other than recon and kl, as train_NAME and test_NAME; null when there are none.</summary>
    private static Dictionary<string, object?>? OtherTerms(EpochReport report)
    {
        var terms = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach ((string name, double value) in report.TrainTerms ?? new Dictionary<string, double>())
        {
            if (name is not "recon" and not "kl")
            {
                terms[$"train_{name}"] = Finite(value);
                terms[$"test_{name}"] = report.Validation?.Terms?.TryGetValue(name, out double test) == true ? Finite(test) : null;
            }
        }

        return terms.Count == 0 ? null : terms;
    }

    public void Dispose()
    {
        foreach (StreamWriter writer in writers)
        {
            writer.Dispose();
        }
    }

    private sealed record EpochMetrics(
        [property: JsonPropertyName("epoch")] int Epoch,
        [property: JsonPropertyName("seconds")] double Seconds,
        [property: JsonPropertyName("samples_per_s")] double SamplesPerSecond,
        [property: JsonPropertyName("train_loss")] double TrainLoss,
        [property: JsonPropertyName("train_recon")] double? TrainReconstruction,
        [property: JsonPropertyName("train_kl")] double? TrainKl,
        [property: JsonPropertyName("test_loss")] double? TestLoss,
        [property: JsonPropertyName("test_recon")] double? TestReconstruction,
        [property: JsonPropertyName("test_kl")] double? TestKl,
        [property: JsonPropertyName("rss_mb")] double? ResidentMegabytes,
        [property: JsonPropertyName("peak_rss_mb")] double? PeakResidentMegabytes,
        [property: JsonPropertyName("managed_mb")] double? ManagedHeapMegabytes)
    {
        /// <summary>The objective's other named terms (train_NAME, test_NAME), written after the fixed keys.</summary>
        [JsonExtensionData]
        public Dictionary<string, object?>? OtherTerms { get; init; }
    }

    /// <summary>Resident memory now and at its peak, and the .NET heap's size after the last collection, in MiB.</summary>
    private sealed record MemoryFigures(double Resident, double PeakResident, double ManagedHeap);
}
