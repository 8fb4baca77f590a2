using System.Text.Json;
using VaeLib.Tests.Training;

namespace VaeLib.Cli.Tests;

/// <summary>A small conditional run with KL warm-up, free bits and two samples per item, shared by the tests below.</summary>
public sealed class ConditionalRun : IDisposable
{
    public ConditionalRun()
    {
        Folder = Path.Combine(Directory.CreateTempSubdirectory("vae-cvae-").FullName, "run");
        Result = VaeProcess.Run(
            "train", "--epochs", "2", "--hidden", "64", "--latent", "4", "--condition", "label", "--kl-warmup", "1",
            "--free-bits", "0.05", "--samples", "2", "--out", Folder, "--device", "cpu", "--tensorboard", TensorBoardFolder);
    }

    public string Folder { get; }

    public string TensorBoardFolder => Path.Combine(Path.GetDirectoryName(Folder)!, "tensorboard");

    public (int ExitCode, string Output, string Error) Result { get; }

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(Folder)!, recursive: true);
}

public class TrainingVariantCommandTests(ConditionalRun run) : IClassFixture<ConditionalRun>
{
    [Fact]
    public void Train_saves_a_conditional_model_with_its_label_names_and_the_variant_options()
    {
        run.Result.ExitCode.Should().Be(0, run.Result.Error);
        using JsonDocument model = JsonDocument.Parse(File.ReadAllText(Path.Combine(run.Folder, "model.json")));
        model.RootElement.GetProperty("architecture").GetProperty("conditionSize").GetInt32().Should().Be(3);
        string labels = model.RootElement.GetProperty("metadata").GetProperty("condition_labels").GetString()!;
        JsonSerializer.Deserialize<string[]>(labels).Should().Equal("Square", "Ellipse", "Heart");
        using JsonDocument options = JsonDocument.Parse(File.ReadAllText(Path.Combine(run.Folder, "options.json")));
        options.RootElement.GetProperty("KlWarmup").GetInt32().Should().Be(1);
        options.RootElement.GetProperty("FreeBits").GetDouble().Should().Be(0.05);
        options.RootElement.GetProperty("Samples").GetInt32().Should().Be(2);
        File.Exists(Path.Combine(run.Folder, "samples.png")).Should().BeTrue();
    }

    [Fact]
    public void Train_writes_tensorboard_losses_per_epoch_and_sample_and_reconstruction_images()
    {
        run.Result.ExitCode.Should().Be(0, run.Result.Error);
        string file = Directory.GetFiles(run.TensorBoardFolder, "events.out.tfevents.*").Should().ContainSingle().Subject;
        var values = TensorBoardEvents.Read(file).Where(e => e.Summary is not null).SelectMany(e => e.Summary.Value.Select(v => (e.Step, v))).ToList();
        values.Where(s => s.v.Tag == "loss/train").Select(s => s.Step).Should().Equal(1L, 2L);
        values.Where(s => s.v.Tag == "loss/validation").Should().HaveCount(2);
        using JsonDocument firstEpoch = JsonDocument.Parse(File.ReadLines(Path.Combine(run.Folder, "metrics.jsonl")).First());
        values.First(s => s.v.Tag == "loss/train").v.SimpleValue.Should().BeApproximately((float)firstEpoch.RootElement.GetProperty("train_loss").GetDouble(), 1e-3f);
        values.Where(s => s.v.Tag == "samples").Select(s => s.Step).Should().Equal(1L, 2L);
        values.Where(s => s.v.Tag == "reconstructions").Should().HaveCount(2)
            .And.AllSatisfy(s => s.v.Image.EncodedImageString.Length.Should().BePositive());
    }

    [Theory]
    [InlineData("sample", "--label", "Heart")]
    [InlineData("sample", "--label", "1")]
    [InlineData("reconstruct")]
    [InlineData("interpolate", "--label", "Square")]
    [InlineData("interpolate", "--prior")]
    [InlineData("traverse", "--from", "2", "--dims", "2")]
    public void Model_commands_work_on_a_conditional_model(params string[] arguments)
    {
        run.Result.ExitCode.Should().Be(0, run.Result.Error);
        string output = Path.Combine(Path.GetDirectoryName(run.Folder)!, $"{arguments[0]}-{arguments.Length}-{arguments[^1]}.png");
        var result = VaeProcess.Run([.. arguments, "--model", run.Folder, "--out", output, "--device", "cpu"]);
        result.ExitCode.Should().Be(0, result.Error);
        File.Exists(output).Should().BeTrue();
    }

    [Theory]
    [InlineData("anomaly", "--out", "a.csv")]
    [InlineData("impute", "--out", "i.png")]
    [InlineData("eval")]
    [InlineData("encode", "--out", "l.csv")]
    public void Commands_without_conditions_refuse_a_conditional_model_with_exit_2(params string[] arguments)
    {
        var result = VaeProcess.Run([.. arguments, "--model", run.Folder, "--device", "cpu"]);
        result.ExitCode.Should().Be(2, result.Output);
        result.Error.Should().Contain("works on unconditional models");
    }

    [Fact]
    public void An_unknown_label_exits_2_and_lists_the_labels()
    {
        var result = VaeProcess.Run("sample", "--model", run.Folder, "--label", "Triangle", "--device", "cpu");
        result.ExitCode.Should().Be(2);
        result.Error.Should().Contain("Square, Ellipse, Heart");
    }

    [Fact]
    public void Conditioning_on_labels_of_unlabelled_data_exits_2()
    {
        string folder = Directory.CreateTempSubdirectory("vae-cvae-csv-").FullName;
        try
        {
            string table = Path.Combine(folder, "t.csv");
            File.WriteAllLines(table, ["a,b", .. Enumerable.Range(0, 20).Select(i => $"{i},{i * 2}")]);
            var result = VaeProcess.Run("train", "--data", table, "--condition", "label", "--epochs", "1", "--out", Path.Combine(folder, "run"), "--device", "cpu");
            result.ExitCode.Should().Be(2, result.Output);
            result.Error.Should().Contain("--condition label needs labelled data");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
