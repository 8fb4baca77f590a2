using System.Globalization;

namespace VaeLib.Cli.Tests;

/// <summary>
/// A table model reads every file with the statistics and label column saved with it: another file is scored in the
/// model's units (not re-standardized with its own statistics), and the commands work on a model trained with a label column.
/// </summary>
public class TableModelDataTests(ImageAndTableRuns runs) : IClassFixture<ImageAndTableRuns>
{
    [Fact]
    public void A_file_scaled_by_ten_and_shifted_by_a_hundred_scores_far_higher_than_the_training_file()
    {
        runs.TableResult.ExitCode.Should().Be(0, runs.TableResult.Error);
        string scaled = Path.Combine(runs.Folder, "scaled.csv");
        string[] lines = File.ReadAllLines(runs.Table);
        File.WriteAllLines(scaled, [lines[0], .. lines[1..].Select(Scale)]);

        double[] original = Scores(runs.Table, "original");
        double[] shifted = Scores(scaled, "scaled");

        original.Should().HaveCount(shifted.Length).And.HaveCountGreaterThan(10);
        shifted.Average().Should().BeGreaterThan(100 * original.Average(), "values 10× larger and 100 away from the training data's are far outside what the model learned, in its saved units");
    }

    [Theory]
    [InlineData("eval", "--iwae-samples")]
    [InlineData("encode", "--split")]
    [InlineData("anomaly", "--samples")]
    public void Commands_on_a_model_trained_with_a_label_column_read_that_column_as_labels(string command, string option)
    {
        runs.TableResult.ExitCode.Should().Be(0, runs.TableResult.Error);

        var result = VaeProcess.Run(command, "--model", runs.TableRun, "--out", Path.Combine(runs.Folder, $"{command}-labelled.out"), "--device", "cpu", option, option == "--split" ? "test" : "2");

        result.ExitCode.Should().Be(0, result.Error);
        result.Error.Should().NotContain("is not a finite number");
    }

    [Fact]
    public void Impute_accepts_a_file_without_the_label_column()
    {
        string input = Path.Combine(runs.Folder, "no-label.csv");
        File.WriteAllText(input, "a,b,c\n0.2000,7.000,0.8000\n0.9000,,0.1000\n");
        string output = Path.Combine(runs.Folder, "no-label-filled.csv");

        var result = VaeProcess.Run("impute", "--model", runs.TableRun, "--csv", input, "--out", output, "--iterations", "10", "--device", "cpu");

        result.ExitCode.Should().Be(0, result.Error);
        File.ReadAllLines(output)[2].Should().StartWith("0.9000,").And.EndWith(",0.1000");
    }

    private static string Scale(string line)
    {
        string[] cells = line.Split(',');
        for (int i = 0; i < cells.Length; i++)
        {
            if (double.TryParse(cells[i], NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            {
                cells[i] = ((10 * value) + 100).ToString("R", CultureInfo.InvariantCulture);
            }
        }

        return string.Join(',', cells);
    }

    private double[] Scores(string data, string name) => AnomalyScores(runs.TableRun, data, Path.Combine(runs.Folder, $"scores-{name}.csv"));

    /// <summary>The anomaly score of every test item of <paramref name="data"/> under a model, as <c>vae anomaly</c> writes them.</summary>
    internal static double[] AnomalyScores(string model, string data, string output)
    {
        var result = VaeProcess.Run("anomaly", "--model", model, "--data", data, "--out", output, "--device", "cpu");
        result.ExitCode.Should().Be(0, result.Error);
        return File.ReadAllLines(output)[1..].Select(line => double.Parse(line.Split(',')[2], CultureInfo.InvariantCulture)).ToArray();
    }
}
