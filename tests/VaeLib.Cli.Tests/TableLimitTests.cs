using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace VaeLib.Cli.Tests;

/// <summary>
/// A table model without a label column scores other files in its saved units, and <c>vae train --max-columns</c>
/// bounds the width of a CSV file, is kept by <c>--resume</c>, and reads run folders written before it existed.
/// </summary>
public sealed class TableLimitTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("vae-table-limits-").FullName;

    [Fact]
    public void A_model_without_a_label_column_scores_a_file_scaled_by_ten_and_shifted_by_a_hundred_far_higher()
    {
        // Every column numeric, so the file re-standardized with its own statistics would equal the original exactly.
        string table = Table("table.csv", columns: 3, rows: 200);
        string scaled = Path.Combine(folder, "scaled.csv");
        string[] lines = File.ReadAllLines(table);
        File.WriteAllLines(scaled, [lines[0], .. lines[1..].Select(line => string.Join(',', line.Split(',').Select(cell => ((10 * double.Parse(cell, CultureInfo.InvariantCulture)) + 100).ToString("R", CultureInfo.InvariantCulture))))]);
        string run = Path.Combine(folder, "run");
        var train = VaeProcess.Run("train", "--data", table, "--likelihood", "gaussian", "--hidden", "16", "--latent", "1", "--epochs", "10", "--out", run, "--device", "cpu", "--quiet");
        train.ExitCode.Should().Be(0, train.Error);

        double[] original = Scores(run, table, "original");
        double[] shifted = Scores(run, scaled, "scaled");

        original.Should().HaveCount(shifted.Length).And.HaveCountGreaterThan(10);
        shifted.Average().Should().BeGreaterThan(100 * original.Average(), "the scaled file lies far outside the training data in the model's saved units");
    }

    [Fact]
    public void A_file_wider_than_max_columns_is_refused_naming_the_option_and_a_higher_limit_trains()
    {
        string wide = Table("wide.csv", columns: 30, rows: 40);

        var refused = VaeProcess.Run("train", "--data", wide, "--max-columns", "20", "--out", Path.Combine(folder, "refused"), "--device", "cpu", "--quiet");
        var accepted = VaeProcess.Run("train", "--data", wide, "--max-columns", "30", "--epochs", "1", "--hidden", "8", "--latent", "2", "--out", Path.Combine(folder, "accepted"), "--device", "cpu", "--quiet");
        var zero = VaeProcess.Run("train", "--data", wide, "--max-columns", "0");

        refused.ExitCode.Should().Be(1, refused.Error);
        refused.Error.Should().Contain("wide.csv").And.Contain("has 30 columns; at most 20").And.Contain("--max-columns");
        Directory.Exists(Path.Combine(folder, "refused", "checkpoint")).Should().BeFalse("nothing is trained");
        accepted.ExitCode.Should().Be(0, accepted.Error);
        zero.ExitCode.Should().Be(2, zero.Error);
        zero.Error.Should().Contain("--max-columns must be between 1 and 1000000; found 0.");
    }

    [Fact]
    public void Resume_keeps_max_columns_and_reads_a_run_folder_saved_before_the_option_existed()
    {
        string wide = Table("wide.csv", columns: 12, rows: 40);
        string run = Path.Combine(folder, "run");
        string[] train = ["train", "--data", wide, "--epochs", "1", "--hidden", "8", "--latent", "2", "--device", "cpu", "--quiet", "--out", run];
        VaeProcess.Run([.. train, "--max-columns", "12"]).ExitCode.Should().Be(0);

        var kept = VaeProcess.Run("train", "--resume", run, "--epochs", "2");
        var changed = VaeProcess.Run("train", "--resume", run, "--epochs", "3", "--max-columns", "50");
        string optionsPath = Path.Combine(run, "options.json");
        JsonObject options = JsonNode.Parse(File.ReadAllText(optionsPath))!.AsObject();
        options.Remove("MaxColumns").Should().BeTrue("options.json records the limit");
        File.WriteAllText(optionsPath, options.ToJsonString());
        var old = VaeProcess.Run("train", "--resume", run, "--epochs", "3");

        kept.ExitCode.Should().Be(0, kept.Error);
        kept.Output.Should().Contain("--max-columns 12");
        changed.ExitCode.Should().Be(2, changed.Error);
        changed.Error.Should().Contain("--max-columns 50 (the run's is 12)");
        old.ExitCode.Should().Be(0, old.Error);
        old.Output.Should().Contain("--max-columns 10000", "a run saved before the option existed had the default limit");
        File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Should().HaveCount(3);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string Table(string name, int columns, int rows)
    {
        var random = new Random(columns);
        var text = new StringBuilder(string.Join(',', Enumerable.Range(0, columns).Select(c => $"x{c}"))).Append('\n');
        for (int row = 0; row < rows; row++)
        {
            double t = random.NextDouble();
            text.AppendJoin(',', Enumerable.Range(0, columns).Select(c => ((c + 1) * t + (0.05 * random.NextDouble())).ToString("F4", CultureInfo.InvariantCulture))).Append('\n');
        }

        string path = Path.Combine(folder, name);
        File.WriteAllText(path, text.ToString());
        return path;
    }

    private double[] Scores(string run, string data, string name) => TableModelDataTests.AnomalyScores(run, data, Path.Combine(folder, $"scores-{name}.csv"));
}
