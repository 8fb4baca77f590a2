using VaeLib.Onnx.Runtime;
using VaeLib.Persistence;
using static TorchSharp.torch;

namespace VaeLib.Cli.Tests;

public class ExportCommandTests
{
    [Fact]
    public void Vae_export_writes_three_files_whose_scorer_takes_pixel_values_and_scores_as_the_saved_model()
    {
        string folder = Path.Combine(Path.GetTempPath(), "vae-export-test-" + Guid.NewGuid().ToString("N"));
        string run = Path.Combine(folder, "run");
        string export = Path.Combine(folder, "onnx");
        VaeProcess.Run("train", "--epochs", "1", "--hidden", "32", "--latent", "3", "--out", run, "--device", "cpu").ExitCode.Should().Be(0);
        string[] before = Directory.GetFiles(run).Select(File.ReadAllBytes).Select(Convert.ToHexString).ToArray();

        var result = VaeProcess.Run("export", "--model", run, "--out", export, "--opset", "15");

        result.ExitCode.Should().Be(0, result.Error);
        result.Output.Should().Contain("scorer.onnx").And.Contain("opset 15").And.Contain("pixel values 0-255");
        Directory.GetFiles(export).Select(Path.GetFileName).Should().BeEquivalentTo("encoder.onnx", "decoder.onnx", "scorer.onnx");
        Directory.GetFiles(run).Select(File.ReadAllBytes).Select(Convert.ToHexString).Should().Equal(before, "the saved model is left as it was");

        using var scope = NewDisposeScope();
        using SavedModel saved = SavedModel.Load(run);
        using var scorer = new OnnxScorer(export);
        Tensor x = rand([4, .. saved.Model.InputShape]);
        float[] expected;
        using (no_grad())
        {
            var posterior = saved.Model.Encode(x);
            expected = (posterior.KlToStandardNormal() - saved.Model.Likelihood.LogProb(x, saved.Model.Decode(posterior.Mean))).data<float>().ToArray();
        }

        float[] scores = scorer.Score(x.mul(255).data<float>().ToArray()).Score;

        scores.Zip(expected, (a, e) => Math.Abs(a - e)).Max().Should().BeLessThan(1e-3f);
        scorer.Info.InputShape.Should().Equal(saved.Model.InputShape);
    }

    [Fact]
    public void Vae_export_refuses_an_opset_out_of_range_and_a_folder_without_a_model()
    {
        string folder = Path.Combine(Path.GetTempPath(), "vae-export-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);

        var opset = VaeProcess.Run("export", "--model", folder, "--out", folder, "--opset", "9");
        var missing = VaeProcess.Run("export", "--model", folder, "--out", Path.Combine(folder, "onnx"));

        opset.ExitCode.Should().Be(2);
        opset.Error.Should().Contain("--opset must be between 13 and 21; found 9");
        missing.ExitCode.Should().Be(1);
        missing.Error.Should().Contain("not a saved VaeLib model");
        Directory.Exists(Path.Combine(folder, "onnx")).Should().BeFalse();
    }
}
