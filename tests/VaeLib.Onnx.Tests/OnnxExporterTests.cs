using TorchSharp;
using VaeLib.Data;
using VaeLib.Modules;
using VaeLib.Onnx.Runtime;
using VaeLib.Persistence;
using static TorchSharp.torch;

namespace VaeLib.Onnx.Tests;

[Collection(TorchRandomStateCollection.Name)]
public class OnnxExporterTests
{
    private const double Tolerance = 1e-4;

    [Theory]
    [InlineData(ModelKind.Mlp, LikelihoodKind.Bernoulli)]
    [InlineData(ModelKind.Mlp, LikelihoodKind.Gaussian)]
    [InlineData(ModelKind.Conv, LikelihoodKind.Bernoulli)]
    [InlineData(ModelKind.Conv, LikelihoodKind.Gaussian)]
    public void Onnx_runtime_computes_what_vaelib_computes_on_random_inputs_and_a_real_batch(ModelKind kind, LikelihoodKind likelihood)
    {
        using var scope = NewDisposeScope();
        using VariationalAutoencoder model = ExportedModels.Create(kind, likelihood);
        string folder = ExportedModels.TemporaryFolder();
        OnnxExporter.Export(model, folder);
        using var encoder = new OnnxEncoder(folder);
        using var decoder = new OnnxDecoder(folder);
        using var scorer = new OnnxScorer(folder);

        using var generator = new Generator(11);
        Tensor random = rand([9, 1, 16, 16], generator: generator);
        using SpritesDataset sprites = SpritesDataset.Generate(new SpritesOptions { Count = 12, ImageSize = 16 });
        Tensor real = sprites.GetBatch(arange(12L));
        foreach (Tensor x in new[] { random, real })
        {
            float[] input = TorchReference.Values(x);
            var (mean, logVariance) = TorchReference.Encode(model, x);
            LatentBatch encoded = encoder.Encode(input);
            TorchReference.MaxAbsDifference(mean, encoded.Mean).Should().BeLessThanOrEqualTo(Tolerance, "μ");
            TorchReference.MaxAbsDifference(logVariance, encoded.LogVariance).Should().BeLessThanOrEqualTo(Tolerance, "log σ²");

            // Latent codes spread well beyond the posterior means, so the decoder's saturated regions are covered too.
            Tensor z = randn([x.size(0), model.LatentSize], generator: generator).mul_(3);
            var (parameters, decodedMean) = TorchReference.Decode(model, z);
            DecodedBatch decoded = decoder.Decode(TorchReference.Values(z));
            TorchReference.MaxAbsDifference(parameters, decoded.Parameters).Should().BeLessThanOrEqualTo(Tolerance, "the likelihood's parameters");
            TorchReference.MaxAbsDifference(decodedMean, decoded.Mean).Should().BeLessThanOrEqualTo(Tolerance, "the decoder mean");

            var (score, logLikelihood, kl) = TorchReference.Score(model, x);
            AnomalyScores scores = scorer.Score(input);
            TorchReference.MaxAbsDifference(score, scores.Score).Should().BeLessThanOrEqualTo(Tolerance, "the score");
            TorchReference.MaxAbsDifference(logLikelihood, scores.ReconstructionLogLikelihood).Should().BeLessThanOrEqualTo(Tolerance, "log p(x | z = μ)");
            TorchReference.MaxAbsDifference(kl, scores.Kl).Should().BeLessThanOrEqualTo(Tolerance, "the KL");
        }
    }

    [Theory]
    [InlineData(Activation.LeakyRelu)]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Elu)]
    [InlineData(Activation.Gelu)]
    [InlineData(Activation.Silu)]
    public void Every_activation_is_written_as_vaelib_computes_it(Activation activation)
    {
        using var scope = NewDisposeScope();
        using VariationalAutoencoder model = ExportedModels.Create(ModelKind.Conv, LikelihoodKind.Bernoulli, activation: activation);
        string folder = ExportedModels.TemporaryFolder();
        OnnxExporter.Export(model, folder);
        using var scorer = new OnnxScorer(folder);
        Tensor x = rand(6, 1, 16, 16).mul_(4).sub_(2); // negative values too, where the activations differ

        var (score, _, _) = TorchReference.Score(model, x);

        TorchReference.MaxAbsDifference(score, scorer.Score(TorchReference.Values(x)).Score).Should().BeLessThanOrEqualTo(Tolerance);
    }

    [Fact]
    public void The_bernoulli_log_likelihood_stays_finite_and_exact_for_saturated_logits()
    {
        using var scope = NewDisposeScope();
        using VariationalAutoencoder model = ExportedModels.Create(ModelKind.Mlp, LikelihoodKind.Bernoulli);
        using (no_grad())
        {
            // Logits of ±hundreds: sigmoid-then-log would give log 0 = −∞ for pixels on the wrong side.
            foreach (var parameter in model.Decoder.parameters())
            {
                parameter.mul_(60);
            }
        }

        string folder = ExportedModels.TemporaryFolder();
        OnnxExporter.Export(model, folder);
        using var scorer = new OnnxScorer(folder);
        Tensor x = rand(5, 1, 16, 16).round_();

        var (_, logLikelihood, _) = TorchReference.Score(model, x);
        AnomalyScores scores = scorer.Score(TorchReference.Values(x));

        scores.ReconstructionLogLikelihood.Should().OnlyContain(value => float.IsFinite(value));
        logLikelihood.Max(value => Math.Abs(value)).Should().BeGreaterThan(1000, "the test needs saturated logits");
        // Values of thousands of nats: the same float32 sums in another order differ in the last bits only.
        scores.ReconstructionLogLikelihood.Zip(logLikelihood, (a, e) => Math.Abs((double)a - e) / Math.Abs(e)).Max().Should().BeLessThan(1e-6);
    }

    [Fact]
    public void A_saved_image_model_takes_pixel_values_and_scales_them_inside_the_graph()
    {
        using var scope = NewDisposeScope();
        using VariationalAutoencoder model = ExportedModels.Create(ModelKind.Mlp, LikelihoodKind.Bernoulli);
        string saved = ExportedModels.TemporaryFolder();
        new SavedModel(model, new VaeArchitecture { InputShape = [1, 16, 16], HiddenSizes = [64, 32], LatentSize = 5 }, new Dictionary<string, string> { ["data"] = "sprites" }).Save(saved);
        using SavedModel loaded = SavedModel.Load(saved);
        string folder = ExportedModels.TemporaryFolder();

        OnnxExport export = OnnxExporter.Export(loaded, folder);
        using var scorer = new OnnxScorer(export.ScorerPath);
        Tensor pixels = randint(0, 256, [4, 1, 16, 16]).to_type(ScalarType.Float32);

        var (expected, _, _) = TorchReference.Score(model, pixels.div(255));
        AnomalyScores scores = scorer.Score(TorchReference.Values(pixels));

        export.Preprocessing.Should().Be(InputPreprocessing.PixelIntensities);
        scorer.Info.InputUnits.Should().Be("pixel values 0-255");
        scorer.Info.Data.Should().Be("sprites");
        TorchReference.MaxAbsDifference(expected, scores.Score).Should().BeLessThanOrEqualTo(Tolerance);
    }

    [Fact]
    public void A_saved_csv_model_takes_values_in_the_file_units_and_standardizes_them_inside_the_graph()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        using VariationalAutoencoder model = VariationalAutoencoder.CreateMlp([3], latentSize: 2, hiddenSizes: [8], likelihood: new Likelihoods.GaussianLikelihood());
        var standardization = new CsvStandardization(["a", "b", "c"], [10, -2, 0.5], [4, 0.25, 1]);
        var metadata = new Dictionary<string, string> { ["data"] = "table.csv", ["csv_standardization"] = System.Text.Json.JsonSerializer.Serialize(standardization) };
        var architecture = new VaeArchitecture { InputShape = [3], HiddenSizes = [8], LatentSize = 2, Likelihood = LikelihoodKind.Gaussian };
        using var saved = new SavedModel(model, architecture, metadata);
        string folder = ExportedModels.TemporaryFolder();

        OnnxExporter.Export(saved, folder);
        using var encoder = new OnnxEncoder(folder);
        float[] raw = [14, -2.5f, 0.5f, 6, -1.75f, 3.5f];
        Tensor standardized = tensor(new float[] { 1, -2, 0, -1, 1, 3 }).reshape(2, 3);

        var (mean, _) = TorchReference.Encode(model, standardized);

        TorchReference.MaxAbsDifference(mean, encoder.Encode(raw).Mean).Should().BeLessThanOrEqualTo(Tolerance);
        encoder.Info.Preprocessing.Should().StartWith("csv standardization");
    }

    [Fact]
    public void A_saved_model_trained_with_static_binarization_thresholds_grey_pixels_inside_the_graph()
    {
        using var scope = NewDisposeScope();
        using VariationalAutoencoder model = ExportedModels.Create(ModelKind.Mlp, LikelihoodKind.Bernoulli);
        string saved = ExportedModels.TemporaryFolder();
        var metadata = new Dictionary<string, string> { ["data"] = "sprites", [InputPreprocessing.BinarizationMetadataKey] = "static" };
        new SavedModel(model, new VaeArchitecture { InputShape = [1, 16, 16], HiddenSizes = [64, 32], LatentSize = 5 }, metadata).Save(saved);
        using SavedModel loaded = SavedModel.Load(saved);
        string folder = ExportedModels.TemporaryFolder();

        OnnxExport export = OnnxExporter.Export(loaded, folder);
        using var scorer = new OnnxScorer(export.ScorerPath);
        using var encoder = new OnnxEncoder(export.EncoderPath);
        // Grey levels of every value, with 127 and 128 (just below and above 0.5 after ÷ 255) in every item.
        Tensor bytes = randint(0, 256, [6, 1, 16, 16], generator: new Generator(9)).to_type(ScalarType.Byte);
        bytes[TensorIndex.Colon, 0, 0, 0] = tensor((byte)127);
        bytes[TensorIndex.Colon, 0, 0, 1] = tensor((byte)128);
        using var images = new ImageDataset(bytes, [0, 0, 0, 0, 0, 0], ["item"]);
        using ImageDataset binarized = images.WithBinarization(Binarization.Static);
        Tensor seen = binarized.GetBatch(arange(6L));

        var (expected, _, _) = TorchReference.Score(model, seen);
        var (grey, _, _) = TorchReference.Score(model, images.GetBatch(arange(6L)));
        float[] raw = TorchReference.Values(bytes.to_type(ScalarType.Float32));
        AnomalyScores scores = scorer.Score(raw);

        TorchReference.MaxAbsDifference(expected, scores.Score).Should().BeLessThanOrEqualTo(Tolerance, "the scorer sees what VaeLib's static binarization gives the model");
        export.Preprocessing.Should().Be(InputPreprocessing.BinarizedPixels);
        scorer.Info.Preprocessing.Should().Contain("static binarization");
        TorchReference.MaxAbsDifference(grey, scores.Score).Should().BeGreaterThan(1000 * Tolerance, "the test needs grey levels that score differently");
        TorchReference.MaxAbsDifference(TorchReference.Encode(model, seen).Mean, encoder.Encode(raw).Mean).Should().BeLessThanOrEqualTo(Tolerance, "the encoder thresholds too");
    }

    [Theory]
    [InlineData("static", true)]
    [InlineData("STATIC", true)]
    [InlineData("dynamic", false)]
    [InlineData("none", false)]
    public void Only_static_binarization_puts_a_threshold_in_the_graph(string binarization, bool thresholded)
    {
        var metadata = new Dictionary<string, string> { ["data"] = "fashion-mnist", [InputPreprocessing.BinarizationMetadataKey] = binarization };

        InputPreprocessing preprocessing = InputPreprocessing.FromMetadata(metadata, [1, 28, 28]);

        // A dynamically binarized model saw Bernoulli draws with the intensity as their mean: it is given intensities.
        preprocessing.Should().Be(thresholded ? InputPreprocessing.BinarizedPixels : InputPreprocessing.PixelIntensities);
        preprocessing.Threshold.Should().Be(thresholded ? 0.5f : null);
    }

    [Fact]
    public void The_score_is_not_the_negative_elbo_and_can_rank_two_items_the_other_way()
    {
        using var scope = NewDisposeScope();
        // x and z one-dimensional: q(z|x) = N(0, e^{−4x}), p(x|z) = N(2z, ¼). The −ELBO adds E_q‖x − 2z‖²/(2c) −
        // ‖x − 2μ‖²/(2c) = 4σ²/(2c) = 8σ² to the score, which is 8 for x = 0 and 0.15 for x = 1.
        using var model = VariationalAutoencoder.CreateMlp([1], latentSize: 1, hiddenSizes: [], likelihood: new Likelihoods.GaussianLikelihood(0.25));
        using (no_grad())
        {
            foreach (var (name, parameter) in model.Latent.named_parameters())
            {
                parameter.fill_(name == "logVarianceHead.weight" ? -4.0 : 0.0);
            }

            foreach (var (name, parameter) in model.Decoder.named_parameters())
            {
                parameter.fill_(name.EndsWith("weight", StringComparison.Ordinal) ? 2.0 : 0.0);
            }
        }

        string folder = ExportedModels.TemporaryFolder();
        OnnxExporter.Export(model, folder);
        using var scorer = new OnnxScorer(folder);
        using var items = new TensorDataset(tensor(new float[] { 0, 1 }).reshape(2, 1));

        float[] score = scorer.Score([0f, 1f]).Score;
        double[] negativeElbo = new Evaluation.AnomalyScorer(model, new Evaluation.AnomalyScorerOptions { SampleCount = 16384 }).Score(items);

        // By hand: score = KL + (x − 2μ)²/(2c) + ½ log 2πc with μ = 0, σ² = e^{−4x}; −ELBO = score + 8σ².
        double constant = 0.5 * Math.Log(2 * Math.PI * 0.25);
        double variance = Math.Exp(-4);
        double[] expectedScore = [constant, (0.5 * (variance - 1 + 4)) + 2 + constant];
        double[] expectedElbo = [expectedScore[0] + 8, expectedScore[1] + (8 * variance)];
        score[0].Should().BeApproximately((float)expectedScore[0], 1e-5f);
        score[1].Should().BeApproximately((float)expectedScore[1], 1e-5f);
        negativeElbo[0].Should().BeApproximately(expectedElbo[0], 0.5, "16 384 samples: standard error 0.09");
        negativeElbo[1].Should().BeApproximately(expectedElbo[1], 0.05);
        score[0].Should().BeLessThan(score[1], "the exported score calls the second item the more anomalous");
        negativeElbo[0].Should().BeGreaterThan(negativeElbo[1] + 3, "the −ELBO calls the first one the more anomalous");
        // p(x) = N(0, 2² + ¼): the score of x = 0 is below −log p(x), so it is no upper bound; the −ELBO is.
        double negativeLogLikelihood = 0.5 * Math.Log(2 * Math.PI * 4.25);
        score[0].Should().BeLessThan((float)negativeLogLikelihood);
        negativeElbo[0].Should().BeGreaterThan(negativeLogLikelihood);
    }

    [Fact]
    public void A_custom_module_without_the_export_contract_is_refused_by_name_and_nothing_is_written()
    {
        using var scope = NewDisposeScope();
        using var model = new VariationalAutoencoder(new ScaledEncoder(), new MlpDecoder(new MlpDecoderOptions { LatentSize = 2, OutputShape = [4], HiddenSizes = [] }), new Likelihoods.BernoulliLikelihood());
        string folder = ExportedModels.TemporaryFolder();

        Action export = () => OnnxExporter.Export(model, folder);

        export.Should().Throw<OnnxExportException>().WithMessage($"*encoder*{typeof(ScaledEncoder).FullName}*{nameof(IOnnxExportable)}*");
        Directory.GetFiles(folder).Should().BeEmpty();
    }

    [Fact]
    public void A_custom_module_with_the_export_contract_is_written_by_itself()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        using var model = new VariationalAutoencoder(new ExportableScaledEncoder(), new MlpDecoder(new MlpDecoderOptions { LatentSize = 2, OutputShape = [4], HiddenSizes = [3] }), new Likelihoods.BernoulliLikelihood());
        string folder = ExportedModels.TemporaryFolder();
        OnnxExporter.Export(model, folder);
        using var scorer = new OnnxScorer(folder);
        Tensor x = rand(5, 4);

        var (score, _, _) = TorchReference.Score(model, x);

        TorchReference.MaxAbsDifference(score, scorer.Score(TorchReference.Values(x)).Score).Should().BeLessThanOrEqualTo(Tolerance);
    }

    [Fact]
    public void A_model_whose_weights_hold_nan_is_refused_naming_the_parameter_and_nothing_is_written()
    {
        using var scope = NewDisposeScope();
        using VariationalAutoencoder model = ExportedModels.Create(ModelKind.Mlp, LikelihoodKind.Bernoulli);
        using (no_grad())
        {
            model.Decoder.parameters().Last()[2] = tensor(float.NaN);
        }

        string folder = ExportedModels.TemporaryFolder();

        Action export = () => OnnxExporter.Export(model, folder);

        export.Should().Throw<OnnxExportException>().WithMessage("*decoder.*bias*NaN*index 2*");
        Directory.GetFiles(folder).Should().BeEmpty();
    }

    [Fact]
    public void A_conditional_model_is_refused()
    {
        using var scope = NewDisposeScope();
        using var model = VariationalAutoencoder.CreateMlp([4], latentSize: 2, hiddenSizes: [3], conditionSize: 2);

        Action export = () => OnnxExporter.Export(model, ExportedModels.TemporaryFolder());

        export.Should().Throw<OnnxExportException>().WithMessage("*conditional on 2 values*unconditional models only*");
    }

    [Theory]
    [InlineData(13, 7)]
    [InlineData(17, 8)]
    [InlineData(21, 10)]
    public void The_files_declare_the_opset_asked_for_and_load_in_onnx_runtime(int opset, long irVersion)
    {
        using var scope = NewDisposeScope();
        using VariationalAutoencoder model = ExportedModels.Create(ModelKind.Conv, LikelihoodKind.Gaussian);
        string folder = ExportedModels.TemporaryFolder();

        OnnxExport export = OnnxExporter.Export(model, folder, new OnnxExportOptions { Opset = opset });

        foreach (string path in new[] { export.EncoderPath, export.DecoderPath, export.ScorerPath })
        {
            var file = Protos.ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
            file.OpsetImport.Should().ContainSingle().Which.Version.Should().Be(opset);
            file.IrVersion.Should().Be(irVersion);
            file.Graph.Input.Single().Type.TensorType.Shape.Dim[0].DimParam.Should().Be("N", "the batch axis is dynamic");
        }

        using var scorer = new OnnxScorer(folder);
        scorer.Score(new float[3 * 256]).Count.Should().Be(3);
    }

    [Fact]
    public void An_opset_outside_the_supported_range_is_refused()
    {
        Action tooOld = () => _ = new OnnxExportOptions { Opset = 12 };

        tooOld.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*between 13 and 21*found 12*");
    }

    /// <summary>An encoder of one linear layer times two, without the export contract.</summary>
    private class ScaledEncoder : Encoder
    {
        private readonly TorchSharp.Modules.Linear linear;

        public ScaledEncoder()
            : base(nameof(ScaledEncoder), [4], 3)
        {
            linear = nn.Linear(4, 3);
            RegisterComponents();
        }

        protected TorchSharp.Modules.Linear Linear => linear;

        public override Tensor forward(Tensor input) => linear.call(input).mul(2);
    }

    /// <summary>The same encoder with the export contract.</summary>
    private sealed class ExportableScaledEncoder : ScaledEncoder, IOnnxExportable
    {
        public string WriteOnnx(OnnxGraphBuilder graph, string input)
        {
            string weight = graph.Weight("scaled.weight", Linear.weight);
            string bias = graph.Weight("scaled.bias", Linear.bias!);
            string affine = graph.Node("Gemm", [input, weight, bias], new Dictionary<string, object> { ["transB"] = 1L });
            return graph.Node("Mul", [affine, graph.Constant("scaled.two", [2f])]);
        }
    }
}
