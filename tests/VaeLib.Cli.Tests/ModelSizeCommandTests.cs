using System.Diagnostics;
using System.Text.Json.Nodes;
using VaeLib.Persistence;

namespace VaeLib.Cli.Tests;

/// <summary>Models too large for the parameter limit, and pictures too large to decode, are refused before allocation.</summary>
public sealed class ModelSizeCommandTests(TrainedRun run) : IClassFixture<TrainedRun>
{
    /// <summary>Far below what the refused models would take (6 GiB, 460 MiB, 8 GiB of weights): the process itself.</summary>
    private const long LowMemory = 600L << 20;

    [Theory]
    [InlineData("--hidden", "1000000")]
    [InlineData("--latent", "100000")]
    public void Train_refuses_a_model_above_the_limit_with_its_count_and_memory(string option, string value)
    {
        var architecture = new VaeArchitecture
        {
            InputShape = [1, 28, 28],
            HiddenSizes = [option == "--hidden" ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : 400],
            LatentSize = option == "--latent" ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : 20,
        };
        long count = architecture.ParameterCount()!.Value;
        string folder = Path.Combine(Path.GetTempPath(), "vae-size-" + Guid.NewGuid().ToString("N"));

        var clock = Stopwatch.StartNew();
        var result = MeasuredVaeProcess.Run("train", option, value, "--epochs", "1", "--out", folder, "--device", "cpu");

        result.ExitCode.Should().Be(2, result.Error);
        result.Error.Should().Contain($"{count:N0} parameters").And.Contain("of float32 weights").And.Contain($"--max-parameters {count}");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30));
        result.PeakBytes.Should().BeLessThan(LowMemory);
        Directory.Exists(folder).Should().BeFalse("nothing is written for a refused run");
    }

    [Fact]
    public void A_tampered_condition_size_is_refused_at_load_with_its_count_and_low_memory()
    {
        string tampered = CopyOfRun("tampered");
        string description = Path.Combine(tampered, SavedModel.DescriptionFileName);
        JsonNode root = JsonNode.Parse(File.ReadAllText(description))!;
        root["architecture"]!["conditionSize"] = 5_000_000;
        File.WriteAllText(description, root.ToJsonString());
        long count = new VaeArchitecture { InputShape = [1, 28, 28], HiddenSizes = [64], LatentSize = 4, ConditionSize = 5_000_000 }.ParameterCount()!.Value;

        var clock = Stopwatch.StartNew();
        var result = MeasuredVaeProcess.Run("sample", "--model", tampered, "--out", Path.Combine(tampered, "s.png"), "--device", "cpu");

        result.ExitCode.Should().Be(1, result.Error);
        result.Error.Should().Contain(description).And.Contain($"{count:N0} parameters").And.Contain("--max-parameters");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30));
        result.PeakBytes.Should().BeLessThan(LowMemory);
    }

    [Fact]
    public void Max_parameters_lowers_and_raises_the_limit_of_a_saved_model()
    {
        long count = SavedModel.Load(run.Folder).Architecture.ParameterCount()!.Value;
        string output = Path.Combine(Path.GetDirectoryName(run.Folder)!, "limit.png");

        var below = VaeProcess.Run("sample", "--model", run.Folder, "--out", output, "--max-parameters", $"{count - 1}", "--device", "cpu");
        var at = VaeProcess.Run("sample", "--model", run.Folder, "--out", output, "--max-parameters", $"{count}", "--device", "cpu");

        below.ExitCode.Should().Be(1);
        below.Error.Should().Contain($"at most {count - 1:N0}");
        at.ExitCode.Should().Be(0, at.Error);
    }

    [Theory]
    [InlineData("sample", "--n", "4096")]
    [InlineData("traverse", "--steps", "1000")]
    [InlineData("interpolate", "--prior", "--steps", "1000")]
    public void A_picture_too_large_to_decode_is_refused_naming_the_option(params string[] arguments)
    {
        // An MLP on 3×256×256 images without hidden layers: 5 M parameters, but 4096 of its images are 805 M values.
        string folder = Path.Combine(Path.GetDirectoryName(run.Folder)!, "large-images");
        if (!File.Exists(Path.Combine(folder, SavedModel.WeightsFileName)))
        {
            var architecture = new VaeArchitecture { InputShape = [3, 256, 256], HiddenSizes = [], LatentSize = 8 };
            using VariationalAutoencoder model = architecture.Build();
            new SavedModel(model, architecture, new Dictionary<string, string>()).Save(folder);
        }

        var result = MeasuredVaeProcess.Run([.. arguments, "--model", folder, "--out", Path.Combine(folder, "p.png"), "--device", "cpu"]);

        result.ExitCode.Should().Be(2, result.Error);
        result.Error.Should().Contain(arguments[^2]).And.Contain("[3, 256, 256]").And.Contain("values");
        result.PeakBytes.Should().BeLessThan(LowMemory);
    }

    private string CopyOfRun(string name)
    {
        run.Result.ExitCode.Should().Be(0, run.Result.Error);
        string copy = Path.Combine(Path.GetDirectoryName(run.Folder)!, name);
        Directory.CreateDirectory(copy);
        foreach (string file in new[] { SavedModel.DescriptionFileName, SavedModel.WeightsFileName })
        {
            File.Copy(Path.Combine(run.Folder, file), Path.Combine(copy, file), overwrite: true);
        }

        return copy;
    }
}
