using TorchSharp;
using TorchSharp.Modules;
using VaeLib.Latent;
using VaeLib.Modules;
using static TorchSharp.torch;

namespace VaeLib.Onnx;

/// <summary>
/// Writes the built-in modules' layers as ONNX nodes, layer by layer, exactly as their <c>forward</c> runs them, and
/// hands custom modules to their <see cref="IOnnxExportable"/> implementation.
/// </summary>
internal static class ModuleGraphs
{
    /// <summary>Appends an encoder or decoder; returns the name of its output.</summary>
    /// <exception cref="OnnxExportException">The module is neither built in nor <see cref="IOnnxExportable"/>, or holds a layer the export does not know.</exception>
    public static string Module(OnnxGraphBuilder graph, nn.Module<Tensor, Tensor> module, string role, string input)
    {
        if (module is IOnnxExportable exportable)
        {
            return exportable.WriteOnnx(graph, input);
        }

        if (module is not (MlpEncoder or ConvEncoder or MlpDecoder or ConvTransposeDecoder))
        {
            throw new OnnxExportException(
                $"The {role} {module.GetType().FullName} cannot be exported to ONNX: it is not one of VaeLib's built-in modules and does not implement {nameof(IOnnxExportable)}. Implement {typeof(IOnnxExportable).FullName} on it to write its computation into the graph.");
        }

        // Each built-in module holds one Sequential and runs its layers in order (see VaeLib's LayerCalls).
        var layers = (Sequential)module.named_children().Single().module;
        string x = input;
        foreach ((string name, nn.Module layer) in layers.named_children())
        {
            x = Layer(graph, $"{role}.{name}", layer, x);
        }

        return x;
    }

    /// <summary>Appends the μ head (named <paramref name="meanName"/>) and the log σ² head (named <paramref name="logVarianceName"/>).</summary>
    public static void Heads(OnnxGraphBuilder graph, GaussianLatent latent, string features, string meanName, string logVarianceName)
    {
        var heads = latent.named_children().ToDictionary(child => child.name, child => (Linear)child.module, StringComparer.Ordinal);
        Linear mean = heads["meanHead"];
        Linear logVariance = heads["logVarianceHead"];
        graph.NodeTo(meanName, "Gemm", LinearInputs(graph, "latent.mean", mean, features), TransposedWeight);
        graph.NodeTo(logVarianceName, "Gemm", LinearInputs(graph, "latent.log_variance", logVariance, features), TransposedWeight);
    }

    private static readonly Dictionary<string, object> TransposedWeight = new() { ["transB"] = 1L };

    private static string[] LinearInputs(OnnxGraphBuilder graph, string name, Linear linear, string input) =>
        linear.bias is null
            ? [input, graph.Weight($"{name}.weight", linear.weight)]
            : [input, graph.Weight($"{name}.weight", linear.weight), graph.Weight($"{name}.bias", linear.bias)];

    private static string Layer(OnnxGraphBuilder graph, string name, nn.Module layer, string x) => layer switch
    {
        Flatten flatten when flatten.start_dim == 1 && flatten.end_dim == -1 => graph.Node("Flatten", [x], new Dictionary<string, object> { ["axis"] = 1L }),
        Linear linear => graph.Node("Gemm", LinearInputs(graph, name, linear, x), TransposedWeight),
        Conv2d convolution => graph.Node("Conv", ConvolutionInputs(graph, name, convolution, x), ConvolutionAttributes(name, convolution)),
        ConvTranspose2d transposed => graph.Node("ConvTranspose", ConvolutionInputs(graph, name, transposed, x), ConvolutionAttributes(name, transposed)),
        Unflatten unflatten when unflatten.dim == 1 => graph.Node("Reshape", [x, graph.Int64Constant($"{name}.shape", [0, .. unflatten.unflattened_size])]),
        ReLU => graph.Node("Relu", [x]),
        LeakyReLU leaky => graph.Node("LeakyRelu", [x], new Dictionary<string, object> { ["alpha"] = (float)leaky.negative_slope }),
        Tanh => graph.Node("Tanh", [x]),
        ELU elu => graph.Node("Elu", [x], new Dictionary<string, object> { ["alpha"] = (float)elu.alpha }),
        GELU gelu when gelu.approximate == GELU.Approximate.none => Gelu(graph, x),
        SiLU => graph.Node("Mul", [x, graph.Node("Sigmoid", [x])]),
        _ => throw new OnnxExportException($"The layer {name} ({layer.GetType().Name}) has no ONNX translation."),
    };

    /// <summary>The exact GELU, x · ½ (1 + erf(x / √2)), as libtorch computes it (the Gelu operator needs opset 20).</summary>
    private static string Gelu(OnnxGraphBuilder graph, string x)
    {
        string scaled = graph.Node("Mul", [x, graph.Constant("gelu.inverse_sqrt2", [(float)(1 / Math.Sqrt(2))])]);
        string onePlus = graph.Node("Add", [graph.Node("Erf", [scaled]), graph.Constant("gelu.one", [1f])]);
        return graph.Node("Mul", [graph.Node("Mul", [x, onePlus]), graph.Constant("gelu.half", [0.5f])]);
    }

    private static string[] ConvolutionInputs(OnnxGraphBuilder graph, string name, Convolution convolution, string x) =>
        convolution.bias is null
            ? [x, graph.Weight($"{name}.weight", convolution.weight)]
            : [x, graph.Weight($"{name}.weight", convolution.weight), graph.Weight($"{name}.bias", convolution.bias)];

    private static Dictionary<string, object> ConvolutionAttributes(string name, Convolution convolution)
    {
        long[] padding = convolution.padding ?? throw new OnnxExportException($"The layer {name} uses a padding mode, not explicit padding; it has no ONNX translation.");
        if (convolution.groups != 1 || convolution.dilation.Any(step => step != 1) || convolution.output_padding.Any(size => size != 0)
            || convolution.padding_mode != PaddingModes.Zeros)
        {
            throw new OnnxExportException($"The layer {name} uses groups, dilation, output padding or a padding mode other than zeros; the export covers the built-in modules' plain convolutions only.");
        }

        return new Dictionary<string, object>
        {
            ["kernel_shape"] = convolution.kernel_size.ToArray(),
            ["strides"] = convolution.stride.ToArray(),
            ["pads"] = (long[])[.. padding, .. padding],
        };
    }
}
