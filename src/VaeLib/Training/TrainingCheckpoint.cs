using System.Text.Json;
using System.Text.Json.Serialization;
using VaeLib.Storage;

namespace VaeLib.Training;

/// <summary>
/// The files of a trainer checkpoint folder: <c>checkpoint.json</c> (format version, completed epochs, history and the
/// random generators' states), <c>weights.bin</c> (the model) and <c>optimizer.bin</c> (the optimizer's state). The
/// description, which records the two files' checksums, is replaced last and commits the set, so a checkpoint folder always holds
/// one complete checkpoint: the new one or the previous one (<see cref="FileSet"/>).
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

    /// <summary>The largest <c>checkpoint.json</c> read (64 MiB: the history of a very long run fits many times over).</summary>
    public const long MaxDescriptionBytes = 64L << 20;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>
    /// Writes a checkpoint as a whole (<see cref="FileSet"/>): the previous checkpoint in the folder stays loadable
    /// until the new one is complete, whatever instant the process is killed at or wherever the disk fills.
    /// </summary>
    /// <param name="directory">The checkpoint folder.</param>
    /// <param name="weights">The model's weights in TorchSharp's format.</param>
    /// <param name="optimizer">The optimizer's state in TorchSharp's format.</param>
    /// <param name="describe">The description, given the two files' checksums (weights, optimizer).</param>
    /// <param name="observer">Told of each step (tests); null for none.</param>
    public static void Write(string directory, byte[] weights, byte[] optimizer, Func<string, string, TrainingCheckpoint> describe, IStorageObserver? observer) =>
        FileSet.Write(
            directory,
            [(WeightsFileName, path => File.WriteAllBytes(path, weights)), (OptimizerFileName, path => File.WriteAllBytes(path, optimizer))],
            DescriptionFileName,
            checksums => JsonSerializer.Serialize(describe(checksums[WeightsFileName], checksums[OptimizerFileName]), Json),
            name => CommittedChecksum(directory, name),
            observer);

    /// <summary>Reads and verifies a checkpoint folder; returns the description and the paths of its two files.</summary>
    /// <param name="directory">The checkpoint folder.</param>
    /// <param name="weightsLength">The exact length the weights file must have (that of the model it is loaded into).</param>
    public static (TrainingCheckpoint Checkpoint, string WeightsPath, string OptimizerPath) Read(string directory, long weightsLength)
    {
        string path = Path.Combine(directory, DescriptionFileName);
        if (!File.Exists(path) || !HasFile(directory, WeightsFileName) || !HasFile(directory, OptimizerFileName))
        {
            throw new Persistence.ModelFormatException($"{directory}: not a training checkpoint (expected {DescriptionFileName}, {WeightsFileName} and {OptimizerFileName}).");
        }

        TrainingCheckpoint checkpoint = ReadDescription(path);
        if (checkpoint.FormatVersion != CurrentFormatVersion || checkpoint.History is null || checkpoint.CompletedEpochs != checkpoint.History.Count)
        {
            throw new Persistence.ModelFormatException($"{path}: format version {checkpoint.FormatVersion} or its contents are not supported (this VaeLib reads version {CurrentFormatVersion}).");
        }

        string weights = FileSet.Locate(directory, WeightsFileName, checkpoint.WeightsSha256, weightsLength, DescriptionFileName);
        string optimizer = FileSet.Locate(directory, OptimizerFileName, checkpoint.OptimizerSha256, expectedLength: null, DescriptionFileName);
        return (checkpoint, weights, optimizer);
    }

    private static bool HasFile(string directory, string name) =>
        File.Exists(Path.Combine(directory, name)) || File.Exists(Path.Combine(directory, name + FileSet.PendingSuffix));

    private static TrainingCheckpoint ReadDescription(string path)
    {
        try
        {
            using Stream stream = FileSet.OpenDescription(path, MaxDescriptionBytes, "checkpoint description");
            return JsonSerializer.Deserialize<TrainingCheckpoint>(stream, Json)
                ?? throw new Persistence.ModelFormatException($"{path}: not a valid checkpoint description: it is null.");
        }
        catch (JsonException exception)
        {
            throw new Persistence.ModelFormatException($"{path}: not a valid checkpoint description: {exception.Message}", exception);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new Persistence.ModelFormatException($"{path}: cannot be read: {exception.Message}", exception);
        }
    }

    /// <summary>The epochs of the checkpoint the folder's description commits, or null when it has none that can be read (its files are not verified).</summary>
    public static int? CommittedEpochs(string directory)
    {
        try
        {
            return ReadDescription(Path.Combine(directory, DescriptionFileName)).CompletedEpochs;
        }
        catch (Persistence.ModelFormatException)
        {
            return null;
        }
    }

    private static string? CommittedChecksum(string directory, string name)
    {
        try
        {
            TrainingCheckpoint checkpoint = ReadDescription(Path.Combine(directory, DescriptionFileName));
            return name == WeightsFileName ? checkpoint.WeightsSha256 : checkpoint.OptimizerSha256;
        }
        catch (Persistence.ModelFormatException)
        {
            return null;
        }
    }
}
