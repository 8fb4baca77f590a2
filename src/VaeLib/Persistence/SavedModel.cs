using System.Text.Json;
using System.Text.Json.Serialization;

namespace VaeLib.Persistence;

/// <summary>
/// A model saved as a folder: <c>model.json</c> (format version, architecture, and the caller's metadata such as the
/// data source and its preprocessing) and <c>weights.bin</c> (TorchSharp's parameter format). Each file is written
/// to a temporary file and renamed into place, so an interrupted save leaves the previous one intact.
/// </summary>
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
        var description = new ModelDescription(FormatVersion, Architecture, new Dictionary<string, string>(Metadata));
        WriteAtomically(Path.Combine(directory, WeightsFileName), path => Model.save(path));
        WriteAtomically(Path.Combine(directory, DescriptionFileName), path => File.WriteAllText(path, JsonSerializer.Serialize(description, Json)));
    }

    /// <summary>Loads a model saved by <see cref="Save"/>, on the CPU, in evaluation mode.</summary>
    /// <param name="directory">The folder.</param>
    /// <param name="registry">Factories for the custom modules the model uses, if any.</param>
    /// <returns>The model, its architecture and metadata.</returns>
    /// <exception cref="ModelFormatException">The folder is missing a file, or a file is unreadable or of another format version.</exception>
    public static SavedModel Load(string directory, ModuleRegistry? registry = null)
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
                ?? throw new ModelFormatException($"{descriptionPath}: the file is empty.");
        }
        catch (Exception exception) when (exception is JsonException or ArgumentException)
        {
            throw new ModelFormatException($"{descriptionPath}: not a valid model description: {exception.Message}", exception);
        }

        if (description.FormatVersion != FormatVersion || description.Architecture is null)
        {
            throw new ModelFormatException($"{descriptionPath}: format version {description.FormatVersion} is not supported by this VaeLib (it reads version {FormatVersion}).");
        }

        VariationalAutoencoder model;
        try
        {
            model = description.Architecture.Build(registry);
        }
        catch (ArgumentException exception)
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
        return new SavedModel(model, description.Architecture, description.Metadata ?? new Dictionary<string, string>());
    }

    /// <summary>Disposes the model's native tensors.</summary>
    public void Dispose() => Model.Dispose();

    private static void WriteAtomically(string path, Action<string> write) => AtomicFile.Write(path, write);

    private sealed record ModelDescription(int FormatVersion, VaeArchitecture? Architecture, Dictionary<string, string>? Metadata);
}
