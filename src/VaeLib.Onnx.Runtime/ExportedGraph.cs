using Microsoft.ML.OnnxRuntime;

namespace VaeLib.Onnx.Runtime;

/// <summary>
/// One exported graph in an ONNX Runtime session: checks the file is the expected graph, validates input batches,
/// and runs them. <see cref="InferenceSession.Run(RunOptions, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue}, IReadOnlyCollection{string})"/>
/// may be called concurrently, and nothing here is mutable after construction, so concurrent callers are safe.
/// </summary>
internal sealed class ExportedGraph : IDisposable
{
    private readonly InferenceSession session;
    private readonly string[] inputNames;
    private readonly string[] outputNames;

    public ExportedGraph(string path, string fileName, string graph, string input, string[] outputs, SessionOptions? options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = Directory.Exists(path) ? System.IO.Path.Combine(path, fileName) : path;
        if (!File.Exists(Path))
        {
            throw new FileNotFoundException($"{Path}: no such file; export the model with 'vae export' (it writes {fileName}).", Path);
        }

        try
        {
            session = options is null ? new InferenceSession(Path) : new InferenceSession(Path, options);
        }
        catch (OnnxRuntimeException exception)
        {
            throw new InvalidDataException($"{Path}: ONNX Runtime cannot load it: {exception.Message}", exception);
        }

        try
        {
            Info = ExportedModelInfo.FromMetadata(session.ModelMetadata.CustomMetadataMap, Path);
            if (Info.Graph != graph)
            {
                throw new InvalidDataException($"{Path}: holds the VaeLib {Info.Graph} graph; expected the {graph} graph ({fileName}).");
            }
        }
        catch
        {
            session.Dispose();
            throw;
        }

        inputNames = [input];
        outputNames = outputs;
    }

    public string Path { get; }

    public ExportedModelInfo Info { get; }

    /// <summary>Checks a batch of items of <paramref name="itemSize"/> values each; returns the item count.</summary>
    /// <exception cref="ArgumentException">Empty, not a whole number of items, or a NaN or infinite value (item and element named).</exception>
    public static int CountItems(ReadOnlySpan<float> values, long itemSize, string what, string paramName)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException($"Expected at least one item of {itemSize} values ({what}); found none.", paramName);
        }

        if (values.Length % itemSize != 0)
        {
            throw new ArgumentException($"Expected a whole number of items of {itemSize} values each ({what}); found {values.Length} values, {values.Length / itemSize} items and {values.Length % itemSize} left over.", paramName);
        }

        int bad = IndexOfNonFinite(values);
        if (bad >= 0)
        {
            throw new ArgumentException($"Item {bad / itemSize} holds {(float.IsNaN(values[bad]) ? "NaN" : "an infinite value")} at element {bad % itemSize}; expected finite values ({what}).", paramName);
        }

        return checked((int)(values.Length / itemSize));
    }

    /// <summary>Flattens items given one array each, checking each one's length.</summary>
    public static float[] Flatten(IReadOnlyList<float[]> items, long itemSize, string what, string paramName)
    {
        ArgumentNullException.ThrowIfNull(items, paramName);
        var values = new float[checked(items.Count * itemSize)];
        for (int i = 0; i < items.Count; i++)
        {
            float[]? item = items[i];
            if (item is null || item.Length != itemSize)
            {
                throw new ArgumentException($"Item {i} has {item?.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no"} values; expected {itemSize} ({what}).", paramName);
            }

            item.CopyTo(values, i * itemSize);
        }

        return values;
    }

    /// <summary>Runs a checked batch; returns each output's values, in the order of the output names.</summary>
    public float[][] Run(ReadOnlySpan<float> values, int count, IReadOnlyList<long> itemShape)
    {
        long[] shape = [count, .. itemShape];
        float[] buffer = values.ToArray(); // ONNX Runtime reads pinned managed memory; the caller's span may not be.
        using OrtValue input = OrtValue.CreateTensorValueFromMemory(buffer, shape);
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, inputNames, [input], outputNames);
        return outputs.Select(output => output.GetTensorDataAsSpan<float>().ToArray()).ToArray();
    }

    public void Dispose() => session.Dispose();

    private static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
