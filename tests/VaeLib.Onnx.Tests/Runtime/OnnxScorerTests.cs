using VaeLib.Onnx.Runtime;
using VaeLib.Persistence;
using static TorchSharp.torch;

namespace VaeLib.Onnx.Tests.Runtime;

[Collection(TorchRandomStateCollection.Name)]
public class OnnxScorerTests
{
    [Fact]
    public void Inputs_of_the_wrong_length_are_refused_naming_expected_and_found()
    {
        using var scorer = new OnnxScorer(ExportMlp());

        Action partial = () => scorer.Score(new float[(2 * 256) + 3]);
        Action shortItem = () => scorer.Score([new float[256], new float[255]]);
        Action empty = () => scorer.Score(ReadOnlySpan<float>.Empty);

        partial.Should().Throw<ArgumentException>().WithMessage("*items of 256 values*[1, 16, 16]*found 515 values, 2 items and 3 left over*");
        shortItem.Should().Throw<ArgumentException>().WithMessage("Item 1 has 255 values; expected 256*");
        empty.Should().Throw<ArgumentException>().WithMessage("*at least one item of 256 values*found none*");
    }

    [Fact]
    public void Nan_and_infinite_inputs_are_refused_naming_the_item_and_element()
    {
        string folder = ExportMlp();
        using var scorer = new OnnxScorer(folder);
        using var encoder = new OnnxEncoder(folder);
        using var decoder = new OnnxDecoder(folder);
        var items = new float[3 * 256];
        items[256 + 17] = float.NaN;
        var codes = new float[2 * 5];
        codes[6] = float.PositiveInfinity;

        Action score = () => scorer.Score(items);
        Action encode = () => encoder.Encode(items);
        Action decode = () => decoder.Decode(codes);

        score.Should().Throw<ArgumentException>().WithMessage("Item 1 holds NaN at element 17*");
        encode.Should().Throw<ArgumentException>().WithMessage("Item 1 holds NaN at element 17*");
        decode.Should().Throw<ArgumentException>().WithMessage("Item 1 holds an infinite value at element 1*latent codes of size 5*");
    }

    [Fact]
    public void A_file_of_another_graph_or_no_onnx_file_is_refused_with_its_path()
    {
        string folder = ExportMlp();
        string garbage = Path.Combine(folder, "garbage.onnx");
        File.WriteAllText(garbage, "not a model");

        Action wrongGraph = () => _ = new OnnxScorer(Path.Combine(folder, OnnxEncoder.FileName));
        Action notOnnx = () => _ = new OnnxScorer(garbage);
        Action missing = () => _ = new OnnxScorer(Path.Combine(folder, "absent"));

        wrongGraph.Should().Throw<InvalidDataException>().WithMessage("*encoder.onnx: holds the VaeLib encoder graph; expected the scorer graph*");
        notOnnx.Should().Throw<InvalidDataException>().WithMessage("*garbage.onnx: ONNX Runtime cannot load it*");
        missing.Should().Throw<FileNotFoundException>().WithMessage("*absent*no such file*");
    }

    [Fact]
    public void Concurrent_callers_get_the_same_scores_as_one_caller()
    {
        using var scorer = new OnnxScorer(ExportMlp());
        var random = new Random(3);
        float[][] batches = Enumerable.Range(0, 32).Select(i => Enumerable.Range(0, (1 + (i % 4)) * 256).Select(_ => random.NextSingle()).ToArray()).ToArray();
        float[][] alone = batches.Select(batch => scorer.Score(batch).Score).ToArray();

        var together = new float[batches.Length][];
        Parallel.For(0, batches.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => together[i] = scorer.Score(batches[i]).Score);

        for (int i = 0; i < batches.Length; i++)
        {
            together[i].Should().Equal(alone[i], $"batch {i}");
        }
    }

    [Fact]
    public void A_batch_scores_each_item_as_it_scores_alone()
    {
        using var scorer = new OnnxScorer(ExportMlp());
        var random = new Random(4);
        float[][] items = Enumerable.Range(0, 5).Select(_ => Enumerable.Range(0, 256).Select(_ => random.NextSingle()).ToArray()).ToArray();

        AnomalyScores batch = scorer.Score(items);

        batch.Count.Should().Be(5);
        for (int i = 0; i < items.Length; i++)
        {
            batch.Score[i].Should().BeApproximately(scorer.Score(items[i]).Score[0], 1e-4f);
            batch.Score[i].Should().BeApproximately(batch.Kl[i] - batch.ReconstructionLogLikelihood[i], 1e-4f);
        }
    }

    private static string ExportMlp()
    {
        using var scope = NewDisposeScope();
        using VariationalAutoencoder model = ExportedModels.Create(ModelKind.Mlp, LikelihoodKind.Bernoulli);
        string folder = ExportedModels.TemporaryFolder();
        OnnxExporter.Export(model, folder);
        return folder;
    }
}
