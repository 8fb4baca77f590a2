using System.Text.Json;

namespace VaeLib.Cli.Tests;

public sealed class ResumeTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("vae-resume-").FullName;

    [Fact]
    public void A_run_resumed_from_its_checkpoint_gives_the_same_losses_as_an_uninterrupted_run()
    {
        string straight = Path.Combine(folder, "straight");
        string split = Path.Combine(folder, "split");
        string[] common = ["--hidden", "32", "--latent", "3", "--device", "cpu", "--seed", "4"];

        VaeProcess.Run(["train", "--epochs", "3", "--out", straight, .. common]).ExitCode.Should().Be(0);
        VaeProcess.Run(["train", "--epochs", "2", "--out", split, .. common]).ExitCode.Should().Be(0);
        var resumed = VaeProcess.Run("train", "--resume", split, "--epochs", "3");

        resumed.ExitCode.Should().Be(0, resumed.Error);
        resumed.Output.Should().Contain("after epoch 2 of 3");
        TrainLosses(split).Should().Equal(TrainLosses(straight), (a, b) => Math.Abs(a - b) <= 1e-6 * Math.Abs(b));
        File.Exists(Path.Combine(split, "checkpoint", "checkpoint.json")).Should().BeTrue();
    }

    [Fact]
    public void Resuming_a_folder_that_is_not_a_run_exits_1()
    {
        var result = VaeProcess.Run("train", "--resume", folder);

        result.ExitCode.Should().Be(1);
        result.Error.Should().Contain("options.json");
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static double[] TrainLosses(string run) =>
        File.ReadAllLines(Path.Combine(run, "metrics.jsonl"))
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("train_loss").GetDouble())
            .ToArray();
}
