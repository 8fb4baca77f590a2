using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VaeLib.Cli.Tests;

/// <summary>vae train checks its options before reading data, names them as typed, and never silently replaces or ignores.</summary>
public sealed class TrainOptionCheckTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("vae-train-options-").FullName;

    [Theory]
    [InlineData("--lr", "-1")]
    [InlineData("--latent", "0")]
    [InlineData("--hidden", "0")]
    [InlineData("--batch", "0")]
    [InlineData("--epochs", "0")]
    [InlineData("--beta", "-1")]
    [InlineData("--variance", "-2")]
    [InlineData("--free-bits", "-1")]
    [InlineData("--weight-decay", "-1")]
    [InlineData("--samples", "0")]
    [InlineData("--checkpoint-every", "0")]
    [InlineData("--max-grad-norm", "0")]
    public void A_bad_option_is_refused_by_its_name_before_any_data_is_read(string option, string value)
    {
        // The data does not exist: an option checked only after loading would fail on the data instead.
        var result = VaeProcess.Run("train", "--data", Path.Combine(folder, "missing.csv"), option, value, "--out", Path.Combine(folder, "run"));

        result.ExitCode.Should().Be(2, result.Error);
        result.Error.Should().Contain($"{option} must be ").And.NotContain("(Parameter '").And.NotContain("missing.csv");
    }

    [Fact]
    public void A_model_above_the_parameter_limit_is_refused_before_it_is_built_and_the_limit_can_be_raised()
    {
        string csv = Table();
        var huge = VaeProcess.Run("train", "--data", csv, "--hidden", "1000000", "100000", "--out", Path.Combine(folder, "huge"));
        var small = VaeProcess.Run("train", "--data", csv, "--hidden", "64", "--max-parameters", "100", "--out", Path.Combine(folder, "small"));

        huge.ExitCode.Should().Be(2, huge.Error);
        huge.Error.Should().MatchRegex(@"makes a model of 200,\d{3},\d{3},\d{3} parameters").And.Contain("GiB").And.Contain("--max-parameters");
        small.ExitCode.Should().Be(2, small.Error);
        small.Error.Should().Contain("At most 100 are allowed");
    }

    [Fact]
    public void A_fresh_run_into_a_run_folder_is_refused_unless_overwrite_is_given()
    {
        string run = Path.Combine(folder, "run");
        string[] train = ["train", "--data", Table(), "--epochs", "1", "--hidden", "8", "--latent", "2", "--device", "cpu", "--quiet", "--out", run];
        VaeProcess.Run(train).ExitCode.Should().Be(0);
        string metrics = File.ReadAllText(Path.Combine(run, "metrics.jsonl"));

        var again = VaeProcess.Run(train);

        again.ExitCode.Should().Be(2, again.Error);
        again.Error.Should().Contain(run).And.Contain("--resume").And.Contain("--overwrite");
        File.ReadAllText(Path.Combine(run, "metrics.jsonl")).Should().Be(metrics, "the earlier run's metrics are kept");
        VaeProcess.Run([.. train, "--overwrite"]).ExitCode.Should().Be(0);
    }

    [Fact]
    public void Resume_refuses_options_it_cannot_honour_and_a_total_below_the_epochs_done()
    {
        string run = Path.Combine(folder, "run");
        VaeProcess.Run("train", "--data", Table(), "--epochs", "2", "--hidden", "8", "--latent", "2", "--device", "cpu", "--quiet", "--out", run).ExitCode.Should().Be(0);

        var changed = VaeProcess.Run("train", "--resume", run, "--lr", "0.1", "--latent", "5", "--epochs", "3");
        var lower = VaeProcess.Run("train", "--resume", run, "--epochs", "1");
        var more = VaeProcess.Run("train", "--resume", run, "--epochs", "3", "--quiet");

        changed.ExitCode.Should().Be(2);
        changed.Error.Should().Contain("cannot change").And.Contain("--lr 0.1 (the run's is").And.Contain("--latent 5 (the run's is 2)");
        lower.ExitCode.Should().Be(2);
        lower.Error.Should().Contain($"--epochs 1: {run} has completed 2 epochs already");
        more.ExitCode.Should().Be(0, more.Error);
        File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Should().HaveCount(3);
    }

    [Fact]
    public void Weight_decay_trains_with_AdamW_is_kept_by_resume_and_is_0_for_runs_saved_before_it()
    {
        string decayed = Path.Combine(folder, "decayed");
        string plain = Path.Combine(folder, "plain");
        string[] common = ["train", "--data", Table(), "--epochs", "2", "--hidden", "8", "--latent", "2", "--device", "cpu", "--quiet"];

        var withDecay = VaeProcess.Run([.. common, "--weight-decay", "0.1", "--out", decayed]);
        var without = VaeProcess.Run([.. common, "--out", plain]);

        withDecay.ExitCode.Should().Be(0, withDecay.Error);
        without.ExitCode.Should().Be(0, without.Error);
        using (JsonDocument options = JsonDocument.Parse(File.ReadAllText(Path.Combine(decayed, "options.json"))))
        {
            options.RootElement.GetProperty("WeightDecay").GetDouble().Should().Be(0.1);
        }

        File.ReadAllLines(Path.Combine(decayed, "metrics.jsonl")).Should().NotEqual(File.ReadAllLines(Path.Combine(plain, "metrics.jsonl")), "the decay changes the updates");

        var changed = VaeProcess.Run("train", "--resume", decayed, "--weight-decay", "0.2", "--epochs", "3");
        changed.ExitCode.Should().Be(2);
        changed.Error.Should().Contain("--weight-decay 0.2 (the run's is 0.1)");

        // options.json of a run saved before --weight-decay existed has no WeightDecay: it resumes with Adam.
        string optionsPath = Path.Combine(plain, "options.json");
        var older = JsonNode.Parse(File.ReadAllText(optionsPath))!.AsObject();
        older.Remove("WeightDecay").Should().BeTrue();
        File.WriteAllText(optionsPath, older.ToJsonString());
        var resumed = VaeProcess.Run("train", "--resume", plain, "--epochs", "3");
        resumed.ExitCode.Should().Be(0, resumed.Error);
        resumed.Output.Should().MatchRegex(@"with the run's options: .*--weight-decay 0\.(\s|$)");
        File.ReadAllLines(Path.Combine(plain, "metrics.jsonl")).Should().HaveCount(3);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string Table()
    {
        string csv = Path.Combine(folder, "table.csv");
        File.WriteAllLines(csv, ["a,b,c", .. Enumerable.Range(0, 60).Select(i => string.Create(CultureInfo.InvariantCulture, $"{i % 7},{i % 5 * 0.5},{Math.Sin(i)}"))]);
        return csv;
    }
}
