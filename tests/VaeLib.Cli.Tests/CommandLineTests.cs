using System.Text.Json;

namespace VaeLib.Cli.Tests;

/// <summary>One small training run shared by the tests that need a saved model.</summary>
public sealed class TrainedRun : IDisposable
{
    public TrainedRun()
    {
        Folder = Path.Combine(Directory.CreateTempSubdirectory("vae-cli-").FullName, "run");
        MetricsFile = Path.Combine(Path.GetDirectoryName(Folder)!, "extra", "metrics.jsonl");
        Result = VaeProcess.Run("train", "--epochs", "2", "--hidden", "64", "--latent", "4", "--out", Folder, "--metrics", MetricsFile, "--device", "cpu");
    }

    public string Folder { get; }

    public string MetricsFile { get; }

    public (int ExitCode, string Output, string Error) Result { get; }

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(Folder)!, recursive: true);
}

public class CommandLineTests(TrainedRun run) : IClassFixture<TrainedRun>
{
    [Fact]
    public void Train_writes_a_run_folder_with_the_model_metrics_and_pictures()
    {
        run.Result.ExitCode.Should().Be(0, run.Result.Error);
        Directory.GetFiles(run.Folder).Select(Path.GetFileName).Should().Contain(
            ["model.json", "weights.bin", "options.json", "metrics.jsonl", "samples.png", "reconstructions.png", "loss.png", "latent.png"]);
        run.Result.Output.Should().Contain("epoch 2/2").And.Contain(run.Folder);
    }

    [Fact]
    public void Metrics_have_one_line_per_epoch_with_the_documented_fields()
    {
        string[] lines = File.ReadAllLines(Path.Combine(run.Folder, "metrics.jsonl"));

        lines.Should().HaveCount(2);
        File.ReadAllLines(run.MetricsFile).Should().Equal(lines, "--metrics gets the same lines");
        for (int i = 0; i < lines.Length; i++)
        {
            using JsonDocument document = JsonDocument.Parse(lines[i]);
            JsonElement metrics = document.RootElement;
            metrics.GetProperty("epoch").GetInt32().Should().Be(i + 1);
            foreach (string field in new[] { "seconds", "samples_per_s", "train_loss", "train_recon", "train_kl", "test_loss", "rss_mb", "peak_rss_mb", "managed_mb" })
            {
                metrics.GetProperty(field).GetDouble().Should().BePositive(field);
            }

            metrics.GetProperty("train_loss").GetDouble().Should().BeApproximately(
                metrics.GetProperty("train_recon").GetDouble() + metrics.GetProperty("train_kl").GetDouble(), 1e-3);
        }
    }

    [Theory]
    [InlineData("sample", "--n", "9")]
    [InlineData("reconstruct", "--n", "4")]
    [InlineData("interpolate", "--steps", "5")]
    [InlineData("interpolate", "--prior")]
    [InlineData("traverse", "--dims", "3", "--steps", "5")]
    public void Model_commands_write_a_png(params string[] arguments)
    {
        string output = Path.Combine(Path.GetDirectoryName(run.Folder)!, $"{arguments[0]}-{Guid.NewGuid():N}.png");

        var result = VaeProcess.Run([.. arguments, "--model", run.Folder, "--out", output, "--device", "cpu"]);

        result.ExitCode.Should().Be(0, result.Error);
        File.ReadAllBytes(output).Take(8).Should().Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A });
    }

    [Theory]
    [InlineData("train", "--bogus")]
    [InlineData("train", "--epochs", "zero")]
    [InlineData("train", "--epochs", "0")]
    [InlineData("train", "--model", "transformer")]
    [InlineData("train", "--likelihood", "poisson")]
    [InlineData("sample")]
    [InlineData("nonsense")]
    public void Bad_arguments_exit_2_with_a_message(params string[] arguments)
    {
        var result = VaeProcess.Run(arguments);

        result.ExitCode.Should().Be(2, result.Output + result.Error);
        result.Error.Should().Contain("error:");
    }

    [Theory]
    [InlineData("interpolate", "--from", "999999")]
    [InlineData("traverse", "--steps", "1")]
    [InlineData("traverse", "--dims", "0")]
    [InlineData("sample", "--n", "100000000")]
    [InlineData("sample", "--n", "0")]
    [InlineData("sample", "--label", "1")]
    public void Bad_values_for_a_model_command_exit_2(params string[] arguments)
    {
        var result = VaeProcess.Run([.. arguments, "--model", run.Folder, "--device", "cpu"]);

        result.ExitCode.Should().Be(2, result.Error);
        result.Error.Should().Contain("error:").And.Contain(arguments[1]);
    }

    [Fact]
    public void Data_of_another_shape_than_the_model_exits_1_naming_both_shapes()
    {
        string table = Path.Combine(Path.GetDirectoryName(run.Folder)!, "table.csv");
        File.WriteAllText(table, "a,b,c\n1,2,3\n4,5,6\n7,8,9\n");

        var result = VaeProcess.Run("reconstruct", "--model", run.Folder, "--data", table, "--device", "cpu");

        result.ExitCode.Should().Be(1, result.Error);
        result.Error.Should().Contain("table.csv").And.Contain("[3]").And.Contain("[1, 28, 28]");
    }

    [Fact]
    public void An_output_that_cannot_be_written_exits_1()
    {
        var result = VaeProcess.Run("sample", "--model", run.Folder, "--out", run.Folder, "--device", "cpu");

        result.ExitCode.Should().Be(1, result.Error);
        result.Error.Should().StartWith("error:");
    }

    [Theory]
    [InlineData("sample")]
    [InlineData("reconstruct")]
    [InlineData("interpolate")]
    [InlineData("traverse")]
    public void A_folder_that_is_not_a_model_exits_1_and_names_it(string command)
    {
        string empty = Directory.CreateTempSubdirectory("vae-empty-").FullName;

        var result = VaeProcess.Run(command, "--model", empty);

        result.ExitCode.Should().Be(1);
        result.Error.Should().Contain(empty).And.Contain("not a saved VaeLib model");
        Directory.Delete(empty);
    }

    [Fact]
    public void Asking_for_cuda_without_one_is_a_clear_error()
    {
        if (TorchSharp.torch.cuda.is_available())
        {
            return;
        }

        var result = VaeProcess.Run("sample", "--model", run.Folder, "--device", "cuda");

        result.ExitCode.Should().Be(1);
        result.Error.Should().Contain("CUDA was requested but is not available");
    }

    [Fact]
    public void Every_command_has_help()
    {
        foreach (string command in new[] { "train", "sample", "reconstruct", "interpolate", "traverse" })
        {
            var result = VaeProcess.Run(command, "--help");

            result.ExitCode.Should().Be(0, command);
            result.Output.Should().Contain("--", command);
        }
    }
}
