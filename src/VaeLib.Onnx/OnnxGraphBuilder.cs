using System.Globalization;
using System.Runtime.InteropServices;
using Google.Protobuf;
using VaeLib.Onnx.Protos;
using static TorchSharp.torch;

namespace VaeLib.Onnx;

/// <summary>
/// Collects the nodes and weights of one ONNX graph (standard domain, float32 values). The exporter writes the
/// built-in modules with it, and a custom module that implements <see cref="IOnnxExportable"/> appends its own
/// computation with <see cref="Weight"/>, <see cref="Constant"/> and <see cref="Node"/>.
/// </summary>
public sealed class OnnxGraphBuilder
{
    private readonly GraphProto graph;
    private readonly HashSet<string> names = new(StringComparer.Ordinal);
    private int counter;

    internal OnnxGraphBuilder(string name)
    {
        graph = new GraphProto { Name = name };
    }

    internal GraphProto Graph => graph;

    /// <summary>
    /// Adds a module's parameter as a float32 initializer, refusing NaN and infinite values (a model with such
    /// weights scores nothing meaningful, and an exported file would hide the fault from its consumers).
    /// </summary>
    /// <param name="name">A readable name, e.g. <c>encoder.linear0.weight</c>; made unique if taken.</param>
    /// <param name="parameter">The tensor, any device; copied as float32 in its own shape.</param>
    /// <returns>The initializer's name, to pass as a node input.</returns>
    /// <exception cref="OnnxExportException">The tensor holds NaN or infinity (the parameter and the first bad index are named).</exception>
    public string Weight(string name, Tensor parameter)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(parameter);
        using var scope = NewDisposeScope();
        Tensor values = parameter.detach().to_type(ScalarType.Float32).cpu().contiguous();
        long[] shape = values.shape; // export runs once per parameter, so the finalizable shape objects do not matter here
        float[] data = values.data<float>().ToArray();
        int bad = Array.FindIndex(data, value => !float.IsFinite(value));
        if (bad >= 0)
        {
            throw new OnnxExportException($"The parameter {name} holds {data[bad].ToString(CultureInfo.InvariantCulture)} at flat index {bad}; a model with NaN or infinite weights cannot be exported. Retrain it or load a checkpoint from before the divergence.");
        }

        return Constant(name, data, shape);
    }

    /// <summary>Adds a float32 constant (an initializer).</summary>
    /// <param name="name">A readable name; made unique if taken.</param>
    /// <param name="values">The values, row-major.</param>
    /// <param name="shape">The shape; its element count must equal the number of values. Empty for a scalar.</param>
    /// <returns>The initializer's name.</returns>
    public string Constant(string name, float[] values, params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Aggregate(1L, (product, size) => product * size) != values.Length)
        {
            throw new ArgumentException($"A constant of shape [{string.Join(", ", shape)}] needs {shape.Aggregate(1L, (p, s) => p * s)} values; found {values.Length}.", nameof(values));
        }

        var tensor = new TensorProto { Name = Unique(name), DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())) };
        tensor.Dims.AddRange(shape);
        graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds an int64 constant, e.g. the target shape of a <c>Reshape</c> or the axes of a <c>ReduceSum</c>.</summary>
    /// <param name="name">A readable name; made unique if taken.</param>
    /// <param name="values">The values, as a one-dimensional tensor.</param>
    /// <returns>The initializer's name.</returns>
    public string Int64Constant(string name, params long[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var tensor = new TensorProto { Name = Unique(name), DataType = (int)TensorProto.Types.DataType.Int64, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())) };
        tensor.Dims.Add(values.Length);
        graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds a node of the standard ONNX domain with one output.</summary>
    /// <param name="opType">The operator, e.g. <c>Gemm</c>, <c>Relu</c>, <c>Conv</c>.</param>
    /// <param name="inputs">Names of its inputs (graph inputs, initializers or earlier nodes' outputs); empty strings for omitted optional inputs.</param>
    /// <param name="attributes">
    /// Attributes by name; values are <see cref="long"/>, <see cref="int"/>, <see cref="float"/>, <see cref="string"/>,
    /// <c>long[]</c> or <c>float[]</c>. Null for none.
    /// </param>
    /// <returns>The name of the node's output.</returns>
    /// <exception cref="ArgumentException">An attribute has another type.</exception>
    public string Node(string opType, IReadOnlyList<string> inputs, IReadOnlyDictionary<string, object>? attributes = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(opType);
        ArgumentNullException.ThrowIfNull(inputs);
        string output = Unique(opType.ToLowerInvariant());
        AddNode(opType, inputs, output, attributes);
        return output;
    }

    /// <summary>Adds a node whose output has a given name (a graph output).</summary>
    internal void NodeTo(string output, string opType, IReadOnlyList<string> inputs, IReadOnlyDictionary<string, object>? attributes = null)
    {
        names.Add(output);
        AddNode(opType, inputs, output, attributes);
    }

    /// <summary>Declares a float32 graph input; the first dimension is the dynamic batch axis <c>N</c>.</summary>
    internal void Input(string name, IEnumerable<long> itemShape) => graph.Input.Add(ValueInfo(Claim(name), itemShape));

    /// <summary>Declares a float32 graph output; the first dimension is the dynamic batch axis <c>N</c>.</summary>
    internal void Output(string name, IEnumerable<long> itemShape) => graph.Output.Add(ValueInfo(name, itemShape));

    private static ValueInfoProto ValueInfo(string name, IEnumerable<long> itemShape)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
        shape.Dim.AddRange(itemShape.Select(size => new TensorShapeProto.Types.Dimension { DimValue = size }));
        var type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } };
        return new ValueInfoProto { Name = name, Type = type };
    }

    private void AddNode(string opType, IReadOnlyList<string> inputs, string output, IReadOnlyDictionary<string, object>? attributes)
    {
        var node = new NodeProto { OpType = opType, Name = $"{output}_node" };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        foreach ((string key, object value) in attributes ?? new Dictionary<string, object>())
        {
            node.Attribute.Add(Attribute(key, value));
        }

        graph.Node.Add(node);
    }

    private static AttributeProto Attribute(string name, object value)
    {
        var attribute = new AttributeProto { Name = name };
        switch (value)
        {
            case long integer:
                attribute.Type = AttributeProto.Types.AttributeType.Int;
                attribute.I = integer;
                break;
            case int integer:
                attribute.Type = AttributeProto.Types.AttributeType.Int;
                attribute.I = integer;
                break;
            case float number:
                attribute.Type = AttributeProto.Types.AttributeType.Float;
                attribute.F = number;
                break;
            case string text:
                attribute.Type = AttributeProto.Types.AttributeType.String;
                attribute.S = ByteString.CopyFromUtf8(text);
                break;
            case long[] integers:
                attribute.Type = AttributeProto.Types.AttributeType.Ints;
                attribute.Ints.AddRange(integers);
                break;
            case float[] numbers:
                attribute.Type = AttributeProto.Types.AttributeType.Floats;
                attribute.Floats.AddRange(numbers);
                break;
            default:
                throw new ArgumentException($"Attribute {name}: values of type {value?.GetType().Name ?? "null"} are not supported; use long, int, float, string, long[] or float[].", nameof(value));
        }

        return attribute;
    }

    private string Claim(string name)
    {
        names.Add(name);
        return name;
    }

    private string Unique(string hint)
    {
        string name = hint;
        while (!names.Add(name))
        {
            name = $"{hint}_{++counter}";
        }

        return name;
    }
}
