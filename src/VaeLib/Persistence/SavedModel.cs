using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace VaeLib.Persistence;

/// <summary>
/// A model saved as a folder: <c>model.json</c> (format version, architecture, and the caller's metadata such as the
/// data source and its preprocessing) and <c>weights.bin</c> (TorchSharp's parameter format). Each file is written
/// to a temporary file and renamed into place, so an interrupted save leaves the previous one intact.
/// </summary>
/// <remarks>
/// <para><c>model.json</c> records the SHA-256 of <c>weights.bin</c> (<c>weightsSha256</c>); loading checks it before
/// reading any weight, so a damaged or replaced weights file is refused rather than loaded as garbage. Folders saved
/// before the checksum existed have no such field and load unverified.</para>
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

    /// <summary>Saves the model into a folder (created if needed).</summary>
    /// <param name="directory">The folder.</param>
    public void Save(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        string weightsPath = Path.Combine(directory, WeightsFileName);
        AtomicFile.Write(weightsPath, path => Model.save(path));
        var description = new ModelDescription(FormatVersion, Architecture, new Dictionary<string, string>(Metadata), Checksum.OfFile(weightsPath));
        AtomicFile.Write(Path.Combine(directory, DescriptionFileName), path => File.WriteAllText(path, JsonSerializer.Serialize(description, Json)));
    }

    /// <summary>Loads a model saved by <see cref="Save"/>, on the CPU, in evaluation mode.</summary>
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
        if (!File.Exists(descriptionPath) || !File.Exists(weightsPath))
        {
            throw new ModelFormatException($"{directory}: not a saved VaeLib model (expected {DescriptionFileName} and {WeightsFileName}).");
        }

        ModelDescription description;
        try
        {
            description = JsonSerializer.Deserialize<ModelDescription>(File.ReadAllText(descriptionPath), Json)
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
        CheckChecksum(descriptionPath, weightsPath, description.WeightsSha256);

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
            model.load(weightsPath);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            model.Dispose();
            throw new ModelFormatException($"{weightsPath}: the weights do not match the described architecture or the file is damaged: {exception.Message}", exception);
        }

        model.eval();
        return new SavedModel(model, architecture, description.Metadata ?? new Dictionary<string, string>());
    }

    /// <summary>Disposes the model's native tensors.</summary>
    public void Dispose() => Model.Dispose();

    private static void CheckChecksum(string descriptionPath, string weightsPath, string? expected)
    {
        if (expected is null)
        {
            // Saved before checksums were recorded: loaded unverified.
            return;
        }

        if (expected.Length != 64 || !expected.All(char.IsAsciiHexDigit))
        {
            throw new ModelFormatException($"{descriptionPath}: not a valid model description: weightsSha256 '{expected}' is not 64 hexadecimal digits.");
        }

        string actual;
        try
        {
            actual = Checksum.OfFile(weightsPath);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException($"{weightsPath}: cannot be read: {exception.Message}", exception);
        }

        if (!Checksum.Same(actual, expected))
        {
            throw new ModelFormatException($"{weightsPath}: checksum mismatch: the file is damaged or was replaced (its SHA-256 is {actual}; {DescriptionFileName} records {expected.ToLowerInvariant()}).");
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

        long length = new FileInfo(weightsPath).Length;
        if (parameters * (double)sizeof(float) > length)
        {
            throw new ModelFormatException($"{weightsPath}: {length} bytes cannot hold the {parameters} parameters ({parameters * (double)sizeof(float):F0} bytes) that {DescriptionFileName} describes; the files do not belong together or one is damaged.");
        }
    }

    private sealed record ModelDescription(int FormatVersion, VaeArchitecture? Architecture, Dictionary<string, string>? Metadata, string? WeightsSha256 = null);
}
