using System.Text.Json;
using System.Text.Json.Serialization;

namespace VaeLib.Training;

/// <summary>
/// The files of a trainer checkpoint folder: <c>checkpoint.json</c> (format version, completed epochs, history and the
/// random generators' states), <c>weights.bin</c> (the model) and <c>optimizer.bin</c> (the optimizer's state). The
/// description is written last, each file through a temporary file and a rename, so a checkpoint folder always holds
/// one complete checkpoint: the new one or the previous one.
/// </summary>
internal sealed record TrainingCheckpoint(
    int FormatVersion,
    int CompletedEpochs,
    IReadOnlyList<EpochReport> History,
    string ShuffleGeneratorState,
    string NoiseGeneratorState,
    string WeightsSha256,
    string OptimizerSha256)
{
    public const int CurrentFormatVersion = 1;
    public const string DescriptionFileName = "checkpoint.json";
    public const string WeightsFileName = "weights.bin";
    public const string OptimizerFileName = "optimizer.bin";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public void WriteDescription(string directory) =>
        AtomicFile.Write(Path.Combine(directory, DescriptionFileName), path => File.WriteAllText(path, JsonSerializer.Serialize(this, Json)));

    public static TrainingCheckpoint Read(string directory)
    {
        string path = Path.Combine(directory, DescriptionFileName);
        if (!File.Exists(path) || !File.Exists(Path.Combine(directory, WeightsFileName)) || !File.Exists(Path.Combine(directory, OptimizerFileName)))
        {
            throw new Persistence.ModelFormatException($"{directory}: not a training checkpoint (expected {DescriptionFileName}, {WeightsFileName} and {OptimizerFileName}).");
        }

        TrainingCheckpoint? checkpoint;
        try
        {
            checkpoint = JsonSerializer.Deserialize<TrainingCheckpoint>(File.ReadAllText(path), Json);
        }
        catch (JsonException exception)
        {
            throw new Persistence.ModelFormatException($"{path}: not a valid checkpoint description: {exception.Message}", exception);
        }

        if (checkpoint is null || checkpoint.FormatVersion != CurrentFormatVersion || checkpoint.History is null || checkpoint.CompletedEpochs != checkpoint.History.Count)
        {
            throw new Persistence.ModelFormatException($"{path}: format version {checkpoint?.FormatVersion} or its contents are not supported (this VaeLib reads version {CurrentFormatVersion}).");
        }

        Verify(Path.Combine(directory, WeightsFileName), checkpoint.WeightsSha256);
        Verify(Path.Combine(directory, OptimizerFileName), checkpoint.OptimizerSha256);
        return checkpoint;
    }

    private static void Verify(string path, string expected)
    {
        if (!Checksum.Same(Checksum.OfFile(path), expected))
        {
            throw new Persistence.ModelFormatException($"{path}: checksum mismatch: the file is damaged or belongs to another checkpoint.");
        }
    }
}
