using System.Globalization;
using Google.Protobuf;
using VaeLib.Onnx.Protos;
using VaeLib.Latent;
using VaeLib.Persistence;

namespace VaeLib.Onnx;

/// <summary>
/// Writes a trained model as three ONNX files with a dynamic batch axis <c>N</c>: the encoder
/// (<c>x</c> → <c>mu</c>, <c>logvar</c>), the decoder (<c>z</c> → <c>parameters</c>, <c>mean</c>) and the scorer
/// (<c>x</c> → <c>score</c>, <c>reconstruction_log_likelihood</c>, <c>kl</c>). The score is deterministic:
/// KL(q(z|x) ‖ N(0, I)) − log p(x | z = μ), in nats, higher for items the model explains worse. It is not the negative
/// ELBO (which averages log p(x|z) over q(z|x)) nor a bound on −log p(x), and it can rank items differently from
/// <see cref="Evaluation.AnomalyScorer"/>; see docs/deployment.md.
/// </summary>
/// <remarks>
/// <para>The encoder and scorer graphs begin with the model's input preprocessing (<see cref="InputPreprocessing"/>),
/// so their <c>x</c> takes raw values; the decoder's <c>mean</c> and <c>parameters</c> are in the model's units. Each
/// file's <c>metadata_props</c> record the input shape, latent size, likelihood and preprocessing (keys <c>vaelib.*</c>).</para>
/// <para>Covered: unconditional models built from <see cref="Modules.MlpEncoder"/>, <see cref="Modules.ConvEncoder"/>,
/// <see cref="Modules.MlpDecoder"/> and <see cref="Modules.ConvTransposeDecoder"/> (any activation), or custom modules
/// that implement <see cref="IOnnxExportable"/>, with the Bernoulli or Gaussian likelihood. Conditional models are refused.</para>
/// </remarks>
public static class OnnxExporter
{
    /// <summary>The encoder file's name in an export folder.</summary>
    public const string EncoderFileName = "encoder.onnx";

    /// <summary>The decoder file's name in an export folder.</summary>
    public const string DecoderFileName = "decoder.onnx";

    /// <summary>The scorer file's name in an export folder.</summary>
    public const string ScorerFileName = "scorer.onnx";

    /// <summary>Exports a saved model, with the preprocessing read from its metadata unless the options name one.</summary>
    /// <param name="saved">The model and its metadata.</param>
    /// <param name="directory">The folder to write the three files into (created if needed; files of the same names are replaced).</param>
    /// <param name="options">Opset and preprocessing; null for the defaults.</param>
    /// <returns>The paths written.</returns>
    /// <exception cref="OnnxExportException">A module, the likelihood or the model kind is not covered, a weight is NaN or infinite, or the preprocessing does not fit.</exception>
    public static OnnxExport Export(SavedModel saved, string directory, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(saved);
        options ??= new OnnxExportOptions();
        InputPreprocessing preprocessing = options.Preprocessing ?? InputPreprocessing.FromMetadata(saved.Metadata, saved.Model.InputShape);
        string? source = saved.Metadata.GetValueOrDefault("data");
        return Write(saved.Model, directory, options.Opset, preprocessing, source);
    }

    /// <summary>Exports a model, with the preprocessing of the options (none by default).</summary>
    /// <param name="model">The model; it is not changed.</param>
    /// <param name="directory">The folder to write the three files into (created if needed; files of the same names are replaced).</param>
    /// <param name="options">Opset and preprocessing; null for the defaults.</param>
    /// <returns>The paths written.</returns>
    /// <exception cref="OnnxExportException">A module, the likelihood or the model kind is not covered, a weight is NaN or infinite, or the preprocessing does not fit.</exception>
    public static OnnxExport Export(VariationalAutoencoder model, string directory, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new OnnxExportOptions();
        return Write(model, directory, options.Opset, options.Preprocessing ?? InputPreprocessing.None, source: null);
    }

    private static OnnxExport Write(VariationalAutoencoder model, string directory, int opset, InputPreprocessing preprocessing, string? source)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (model.IsConditional)
        {
            throw new OnnxExportException($"This model is conditional on {model.ConditionSize} values; the ONNX export covers unconditional models only.");
        }

        if (model.Prior is not StandardNormalPrior)
        {
            throw new OnnxExportException($"This model's prior is {model.Prior.Description}; the ONNX scorer computes the KL to N(0, I) in closed form and covers the standard normal prior only.");
        }

        LikelihoodGraphs.Check(model.Likelihood);
        long[] itemShape = [.. model.InputShape];
        long elements = itemShape.Aggregate(1L, (product, size) => product * size);
        preprocessing.Check(elements);

        // Every graph is built before any file is written, so a refused module or weight leaves the folder as it was.
        GraphProto encoder = EncoderGraph(model, itemShape, preprocessing);
        GraphProto decoder = DecoderGraph(model, itemShape);
        GraphProto scorer = ScorerGraph(model, itemShape, elements, preprocessing);

        var facts = new Dictionary<string, string>
        {
            ["vaelib.format"] = "1",
            ["vaelib.input_shape"] = string.Join(",", itemShape),
            ["vaelib.latent_size"] = model.LatentSize.ToString(CultureInfo.InvariantCulture),
            ["vaelib.likelihood"] = model.Likelihood.Name,
            ["vaelib.preprocessing"] = preprocessing.Description,
            ["vaelib.input_units"] = preprocessing.Units,
            ["vaelib.preprocessing_shift"] = InputPreprocessing.Format(preprocessing.Shift),
            ["vaelib.preprocessing_divisor"] = InputPreprocessing.Format(preprocessing.Divisor),
            ["vaelib.preprocessing_threshold"] = preprocessing.Threshold is float threshold ? InputPreprocessing.Format([threshold]) : "none",
            ["vaelib.score"] = "KL(q(z|x) || N(0, I)) - log p(x | z = mu), in nats",
        };
        if (model.Likelihood is Likelihoods.GaussianLikelihood gaussian)
        {
            facts["vaelib.gaussian_variance"] = gaussian.Variance.ToString("R", CultureInfo.InvariantCulture);
        }

        if (source is not null)
        {
            facts["vaelib.data"] = source;
        }

        Directory.CreateDirectory(directory);
        var export = new OnnxExport(
            Path.Combine(directory, EncoderFileName), Path.Combine(directory, DecoderFileName), Path.Combine(directory, ScorerFileName), opset, preprocessing);
        Save(export.EncoderPath, encoder, opset, facts, "encoder");
        Save(export.DecoderPath, decoder, opset, facts, "decoder");
        Save(export.ScorerPath, scorer, opset, facts, "scorer");
        return export;
    }

    private static GraphProto EncoderGraph(VariationalAutoencoder model, long[] itemShape, InputPreprocessing preprocessing)
    {
        var graph = new OnnxGraphBuilder("vaelib_encoder");
        graph.Input("x", itemShape);
        string features = ModuleGraphs.Module(graph, model.Encoder, "encoder", Preprocess(graph, "x", itemShape, preprocessing));
        ModuleGraphs.Heads(graph, model.Latent, features, "mu", "logvar");
        graph.Output("mu", [model.LatentSize]);
        graph.Output("logvar", [model.LatentSize]);
        return graph.Graph;
    }

    private static GraphProto DecoderGraph(VariationalAutoencoder model, long[] itemShape)
    {
        var graph = new OnnxGraphBuilder("vaelib_decoder");
        graph.Input("z", [model.LatentSize]);
        string parameters = ModuleGraphs.Module(graph, model.Decoder, "decoder", "z");
        graph.NodeTo("parameters", "Identity", [parameters]);
        LikelihoodGraphs.Mean(graph, model.Likelihood, "parameters", "mean");
        graph.Output("parameters", itemShape);
        graph.Output("mean", itemShape);
        return graph.Graph;
    }

    private static GraphProto ScorerGraph(VariationalAutoencoder model, long[] itemShape, long elements, InputPreprocessing preprocessing)
    {
        var graph = new OnnxGraphBuilder("vaelib_scorer");
        graph.Input("x", itemShape);
        string x = Preprocess(graph, "x", itemShape, preprocessing);
        string features = ModuleGraphs.Module(graph, model.Encoder, "encoder", x);
        ModuleGraphs.Heads(graph, model.Latent, features, "mu", "logvar");
        string parameters = ModuleGraphs.Module(graph, model.Decoder, "decoder", "mu");
        LikelihoodGraphs.LogProb(graph, model.Likelihood, x, parameters, elements, "reconstruction_log_likelihood");
        LikelihoodGraphs.Kl(graph, "mu", "logvar", "kl");
        graph.NodeTo("score", "Sub", ["kl", "reconstruction_log_likelihood"]);
        graph.Output("score", []);
        graph.Output("reconstruction_log_likelihood", []);
        graph.Output("kl", []);
        return graph.Graph;
    }

    /// <summary>
    /// (x − shift) / divisor, with per-element values in the item's shape, then 1 or 0 by the threshold when there is
    /// one; nothing when there is no preprocessing.
    /// </summary>
    private static string Preprocess(OnnxGraphBuilder graph, string input, long[] itemShape, InputPreprocessing preprocessing)
    {
        if (preprocessing.IsNone)
        {
            return input;
        }

        string Values(string name, IReadOnlyList<float> values) =>
            values.Count == 1 ? graph.Constant(name, [values[0]]) : graph.Constant(name, [.. values], itemShape);

        string shifted = preprocessing.Shift.All(value => value == 0f) ? input : graph.Node("Sub", [input, Values("preprocessing.shift", preprocessing.Shift)]);
        string scaled = graph.Node("Div", [shifted, Values("preprocessing.divisor", preprocessing.Divisor)]);
        if (preprocessing.Threshold is not float threshold)
        {
            return scaled;
        }

        // Static binarization, as ImageDataset does it: float32 intensity > threshold, as 1 or 0.
        string above = graph.Node("Greater", [scaled, graph.Constant("preprocessing.threshold", [threshold])]);
        return graph.Node("Cast", [above], new Dictionary<string, object> { ["to"] = (long)Protos.TensorProto.Types.DataType.Float });
    }

    private static void Save(string path, GraphProto graph, int opset, Dictionary<string, string> facts, string role)
    {
        var model = new ModelProto
        {
            IrVersion = IrVersionOf(opset),
            ProducerName = "VaeLib.Onnx",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "0",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = opset });
        model.MetadataProps.AddRange(facts.Append(new("vaelib.graph", role)).Select(fact => new StringStringEntryProto { Key = fact.Key, Value = fact.Value }));

        // Written beside and renamed into place, so a failed write leaves no half file under the final name.
        string temporary = $"{path}.{Environment.ProcessId}.tmp";
        try
        {
            using (FileStream stream = File.Create(temporary))
            {
                model.WriteTo(stream);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>The ONNX IR version that introduced the opset (so older runtimes read the file too).</summary>
    private static long IrVersionOf(int opset) => opset switch
    {
        <= 14 => 7,
        <= 18 => 8,
        <= 20 => 9,
        _ => 10,
    };
}
