using System.Text.Json;

namespace VaeLib.Cli.Tests;

/// <summary>A run folder is replaced only with --overwrite, and --resume refuses what it cannot honour and says what it keeps.</summary>
public sealed class RunFolderTests : IDisposable
{
    private static readonly string[] Small = ["--hidden", "16", "--latent", "2", "--device", "cpu", "--quiet"];

    private readonly string folder = Directory.CreateTempSubdirectory("vae-runfolder-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void A_fresh_train_into_a_run_folder_is_refused_and_leaves_the_run_untouched()
    {
        string run = Train("first", "--epochs", "1");
        string metrics = File.ReadAllText(Path.Combine(run, "metrics.jsonl"));
        string options = File.ReadAllText(Path.Combine(run, "options.json"));

        var again = VaeProcess.Run(["train", "--epochs", "1", "--out", run, .. Small]);

        again.ExitCode.Should().Be(2, again.Output);
        again.Error.Should().Contain(run).And.Contain("--overwrite").And.Contain("--resume");
        File.ReadAllText(Path.Combine(run, "metrics.jsonl")).Should().Be(metrics);
        File.ReadAllText(Path.Combine(run, "options.json")).Should().Be(options);
    }

    [Fact]
    public void Overwrite_replaces_the_run_and_its_checkpoint()
    {
        string run = Train("replaced", "--epochs", "2");

        var replaced = VaeProcess.Run(["train", "--epochs", "1", "--out", run, "--overwrite", "--seed", "9", .. Small]);

        replaced.ExitCode.Should().Be(0, replaced.Error);
        File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Should().HaveCount(1);
        ReadOptions(run).GetProperty("Seed").GetInt32().Should().Be(9);
        var resumed = VaeProcess.Run("train", "--resume", run, "--epochs", "2");
        resumed.ExitCode.Should().Be(0, resumed.Error);
        resumed.Output.Should().Contain("after epoch 1 of 2", "the checkpoint is the new run's").And.Contain("--seed 9");
    }

    [Fact]
    public void Resume_refuses_options_that_would_change_the_run_naming_each_with_both_values()
    {
        string run = Train("changed", "--epochs", "1");

        var result = VaeProcess.Run("train", "--resume", run, "--epochs", "2", "--lr", "0.01", "--latent", "3");

        result.ExitCode.Should().Be(2, result.Output);
        result.Error.Should().Contain("--lr 0.01 (the run's is 0.001)").And.Contain("--latent 3 (the run's is 2)");
        File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Should().HaveCount(1, "nothing was trained");
    }

    [Fact]
    public void Resume_refuses_fewer_epochs_than_the_run_has_done()
    {
        string run = Train("fewer", "--epochs", "2");

        var result = VaeProcess.Run("train", "--resume", run, "--epochs", "1");

        result.ExitCode.Should().Be(2, result.Output);
        result.Error.Should().Contain("--epochs 1").And.Contain("completed 2 epochs");
    }

    [Fact]
    public void Resume_accepts_the_run_s_own_values_and_says_what_it_keeps()
    {
        string run = Train("kept", "--epochs", "1", "--lr", "0.002");

        var result = VaeProcess.Run("train", "--resume", run, "--epochs", "2", "--latent", "2", "--device", "cpu");

        result.ExitCode.Should().Be(0, result.Error);
        result.Output.Should().Contain("after epoch 1 of 2, with the run's options:").And.Contain("--lr 0.002").And.Contain("--latent 2").And.Contain("--hidden 16");
        File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Should().HaveCount(2);
    }

    [Fact]
    public void Overwrite_and_resume_together_or_resume_elsewhere_exit_2()
    {
        string run = Train("both", "--epochs", "1");

        VaeProcess.Run("train", "--resume", run, "--overwrite").ExitCode.Should().Be(2);
        VaeProcess.Run("train", "--resume", run, "--out", Path.Combine(folder, "elsewhere")).ExitCode.Should().Be(2);
    }

    [Fact]
    public void A_damaged_options_file_is_refused_as_a_file_naming_the_option()
    {
        string run = Train("damaged", "--epochs", "1");
        string path = Path.Combine(run, "options.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"LearningRate\": 0.001", "\"LearningRate\": -1", StringComparison.Ordinal));

        var result = VaeProcess.Run("train", "--resume", run, "--epochs", "2");

        result.ExitCode.Should().Be(1, result.Output);
        result.Error.Should().Contain(path).And.Contain("--lr must be a positive finite number; found -1");
    }

    private static JsonElement ReadOptions(string run) => JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "options.json"))).RootElement;

    private string Train(string name, params string[] options)
    {
        string run = Path.Combine(folder, name);
        var result = VaeProcess.Run(["train", "--out", run, .. Small, .. options]);
        result.ExitCode.Should().Be(0, result.Error);
        return run;
    }
}
