using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using VaeLib.Latent;
using VaeLib.Modules;
using VaeLib.Storage;
using static TorchSharp.torch;

namespace VaeLib.Persistence;

/// <summary>
/// A model saved as a folder: <c>model.json</c> (format version, architecture, and the caller's metadata such as the
/// data source and its preprocessing) and <c>weights.bin</c> (TorchSharp's parameter format). A save replaces the
/// folder's previous model as a whole: the new weights are written completely beside the old ones, then
/// <c>model.json</c> is replaced in one rename, which commits the new model (docs/persistence.md).
/// </summary>
/// <remarks>
/// <para><c>model.json</c> records the SHA-256 of <c>weights.bin</c> (<c>weightsSha256</c>); loading checks the file's
/// exact length and then the checksum before reading any weight, so a damaged or replaced weights file is refused
/// rather than loaded as garbage, and a huge one without reading it. Folders saved before the checksum existed have
/// no such field and are checked for length only. Weights holding NaN or infinite values are refused.</para>
/// <para>Before building anything, loading counts the described architecture's parameters exactly
/// (<see cref="VaeArchitecture.ParameterCount"/>; the built-in parts of one with custom modules) and checks that there
/// are at most <c>maxParameterCount</c> (by default <see cref="VaeArchitecture.DefaultMaxParameterCount"/>, 2^26) and
/// that <c>weights.bin</c> is large enough to hold them (4 bytes each), so a description that claims absurd sizes is
/// refused without allocating memory for them.</para>
/// </remarks>
/// <param name="Model">The model.</param>
/// <param name="Architecture">How to rebuild it.</param>
/// <param name="Metadata">Free-form facts saved with it, e.g. <c>data</c> and <c>binarization</c>.</param>
public sealed record SavedModel(VariationalAutoencoder Model, VaeArchitecture Architecture, IReadOnlyDictionary<string, string> Metadata) : IDisposable
{
    /// <summary>The format version this library writes and reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>Name of the description file in the folder.</summary>
    public const string DescriptionFileName = "model.json";

    /// <summary>Name of the weights file in the folder.</summary>
    public const string WeightsFileName = "weights.bin";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>The largest <c>model.json</c> read (16 MiB); a larger one is refused as damaged before it is read.</summary>
    public const long MaxDescriptionBytes = 16L << 20;

    /// <summary>
    /// Saves the model into a folder (created if needed), replacing a model saved there before as a whole: whatever
    /// instant the process is killed at, or wherever the disk fills, the folder loads as the previous model or the new one.
    /// </summary>
    /// <param name="directory">The folder.</param>
    /// <exception cref="IOException">The files cannot be written (e.g. the disk is full); the previous model in the folder is kept.</exception>
    /// <exception cref="NotSupportedException">The model's prior is not N(0, I), which format version 1 cannot describe; nothing is written.</exception>
    public void Save(string directory) => Save(directory, observer: null);

    /// <summary>Saves, telling <paramref name="observer"/> of each step (the fault-injection tests).</summary>
    internal void Save(string directory, IStorageObserver? observer)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (Model.Prior is not StandardNormalPrior)
        {
            // Refused before anything is written: a folder that loaded with N(0, I) would silently be another model.
            throw new NotSupportedException($"model.json (format version {FormatVersion}) describes models with the prior N(0, I) only; this model's prior is {Model.Prior.Description}. Save its weights with Model.save(path) and rebuild the model in code to load them.");
        }

        FileSet.Write(
            directory,
            [(WeightsFileName, path => Model.save(path))],
            DescriptionFileName,
            checksums => JsonSerializer.Serialize(new ModelDescription(FormatVersion, Architecture, new Dictionary<string, string>(Metadata), checksums[WeightsFileName]), Json),
            _ => CommittedWeightsChecksum(directory),
            observer);
    }

    /// <summary>Loads a model saved by <see cref="Save(string)"/>, on the CPU, in evaluation mode.</summary>
    /// <param name="directory">The folder.</param>
    /// <param name="registry">Factories for the custom modules the model uses, if any.</param>
    /// <param name="maxParameterCount">The most parameters the described architecture may have (counted exactly for built-in modules, before anything is allocated); default <see cref="VaeArchitecture.DefaultMaxParameterCount"/>.</param>
    /// <returns>The model, its architecture and metadata.</returns>
    /// <exception cref="ModelFormatException">The folder is missing a file, a file is unreadable or of another format
    /// version, the description is invalid or describes more than <paramref name="maxParameterCount"/> parameters or more than <c>weights.bin</c> holds,
    /// <c>weights.bin</c> does not match its recorded SHA-256 or the architecture, or a custom module is not registered.</exception>
    public static SavedModel Load(string directory, ModuleRegistry? registry = null, long maxParameterCount = VaeArchitecture.DefaultMaxParameterCount)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string descriptionPath = Path.Combine(directory, DescriptionFileName);
        string weightsPath = Path.Combine(directory, WeightsFileName);
        if (!File.Exists(descriptionPath) || (!File.Exists(weightsPath) && !File.Exists(weightsPath + FileSet.PendingSuffix)))
        {
            throw new ModelFormatException($"{directory}: not a saved VaeLib model (expected {DescriptionFileName} and {WeightsFileName}).");
        }

        ModelDescription description;
        try
        {
            description = JsonSerializer.Deserialize<ModelDescription>(ReadDescription(descriptionPath), Json)
                ?? throw new ModelFormatException($"{descriptionPath}: not a valid model description: it is null.");
        }
        catch (Exception exception) when (exception is JsonException or ArgumentException or NotSupportedException or InvalidOperationException)
        {
            throw new ModelFormatException($"{descriptionPath}: not a valid model description: {exception.Message}", exception);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException($"{descriptionPath}: cannot be read: {exception.Message}", exception);
        }

        if (description.FormatVersion != FormatVersion)
        {
            throw new ModelFormatException($"{descriptionPath}: format version {description.FormatVersion} is not supported by this VaeLib (it reads version {FormatVersion}).");
        }

        VaeArchitecture architecture = description.Architecture
            ?? throw new ModelFormatException($"{descriptionPath}: not a valid model description: it has no architecture.");
        if (description.Metadata?.FirstOrDefault(entry => entry.Value is null) is { Key: not null } nullEntry)
        {
            throw new ModelFormatException($"{descriptionPath}: not a valid model description: metadata '{nullEntry.Key}' is null; values must be strings.");
        }

        CheckSize(descriptionPath, weightsPath, architecture, maxParameterCount);

        VariationalAutoencoder model;
        try
        {
            model = architecture.Build(registry, maxParameterCount);
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or ExternalException)
        {
            throw new ModelFormatException($"{descriptionPath}: the architecture cannot be built: {exception.Message}", exception);
        }

        try
        {
            // The exact length first: a file of another size (a sparse 20 GB one, say) is refused without reading it.
            string weights = FileSet.Locate(directory, WeightsFileName, CheckedChecksum(descriptionPath, description.WeightsSha256), SerializedLength(model), DescriptionFileName);
            LoadWeights(model, weights);
            model.eval();
            return new SavedModel(model, architecture, description.Metadata ?? new Dictionary<string, string>());
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Disposes the model's native tensors.</summary>
    public void Dispose() => Model.Dispose();

    /// <summary>The exact length of the file TorchSharp's <c>Module.save</c> writes for a module, counted without writing it.</summary>
    internal static long SerializedLength(nn.Module module)
    {
        using var counter = new LengthCountingStream();
        using (var writer = new BinaryWriter(counter, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            module.save(writer);
        }

        return counter.Length;
    }

    /// <summary>Loads the weights into the model and refuses NaN or infinite parameters, naming the first.</summary>
    private static void LoadWeights(VariationalAutoencoder model, string weightsPath)
    {
        try
        {
            model.load(weightsPath);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            throw new ModelFormatException($"{weightsPath}: the weights do not match the described architecture or the file is damaged: {exception.Message}", exception);
        }

        if (ModuleParameters.FirstNonFinite(model) is { } name)
        {
            throw new ModelFormatException($"{weightsPath}: parameter '{name}' holds NaN or infinite values: the model diverged when it was trained or the file is damaged, and its scores, codes and samples would be NaN.");
        }
    }

    /// <summary>The checksum a description records, checked for form; null for folders saved before checksums existed (loaded unverified).</summary>
    private static string? CheckedChecksum(string descriptionPath, string? expected)
    {
        if (expected is not null && (expected.Length != 64 || !expected.All(char.IsAsciiHexDigit)))
        {
            throw new ModelFormatException($"{descriptionPath}: not a valid model description: weightsSha256 '{expected}' is not 64 hexadecimal digits.");
        }

        return expected;
    }

    /// <summary>The description's text, refused before reading when it is not a regular file or larger than <see cref="MaxDescriptionBytes"/>.</summary>
    private static string ReadDescription(string descriptionPath)
    {
        using var reader = new StreamReader(FileSet.OpenDescription(descriptionPath, MaxDescriptionBytes, "model description"), System.Text.Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>The weights checksum recorded by the folder's current description, or null when it has none or cannot be read.</summary>
    private static string? CommittedWeightsChecksum(string directory)
    {
        try
        {
            return JsonSerializer.Deserialize<ModelDescription>(ReadDescription(Path.Combine(directory, DescriptionFileName)), Json)?.WeightsSha256;
        }
        catch (Exception exception) when (exception is JsonException or ModelFormatException or IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return null;
        }
    }

    private static void CheckSize(string descriptionPath, string weightsPath, VaeArchitecture architecture, long maxParameterCount)
    {
        long parameters;
        try
        {
            parameters = architecture.KnownParameterCount();
        }
        catch (ArgumentException exception)
        {
            throw new ModelFormatException($"{descriptionPath}: the architecture cannot be built: {exception.Message}", exception);
        }

        if (parameters > maxParameterCount)
        {
            throw new ModelFormatException(string.Create(
                CultureInfo.InvariantCulture,
                $"{descriptionPath}: the architecture describes {parameters:N0} parameters ({VaeArchitecture.FormatFloatBytes(parameters)} of float32 weights); at most {maxParameterCount:N0} are accepted, so it is refused before anything is allocated. If the model is genuine, load it with a larger maxParameterCount (vae: --max-parameters)."));
        }

        // The larger of the file and its pending version (a save killed after its commit): links followed.
        long length = Math.Max(FileSet.RegularFileLength(weightsPath) ?? 0, FileSet.RegularFileLength(weightsPath + FileSet.PendingSuffix) ?? 0);
        if (parameters * (double)sizeof(float) > length)
        {
            throw new ModelFormatException($"{weightsPath}: {length} bytes cannot hold the {parameters} parameters ({parameters * (double)sizeof(float):F0} bytes) that {DescriptionFileName} describes; the files do not belong together or one is damaged.");
        }
    }

    private sealed record ModelDescription(int FormatVersion, VaeArchitecture? Architecture, Dictionary<string, string>? Metadata, string? WeightsSha256 = null);
}
