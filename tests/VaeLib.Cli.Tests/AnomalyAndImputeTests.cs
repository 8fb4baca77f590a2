using System.Globalization;
using System.Text;

namespace VaeLib.Cli.Tests;

/// <summary>Two small saved models, one on the sprites (images) and one on a CSV table, for the anomaly and impute commands.</summary>
public sealed class ImageAndTableRuns : IDisposable
{
    public ImageAndTableRuns()
    {
        Folder = Directory.CreateTempSubdirectory("vae-anomaly-").FullName;
        ImageRun = Path.Combine(Folder, "images");
        ImageResult = VaeProcess.Run("train", "--epochs", "1", "--hidden", "32", "--latent", "3", "--out", ImageRun, "--device", "cpu");
        Table = Path.Combine(Folder, "table.csv");
        var text = new StringBuilder("a,b,kind,c\n");
        var random = new Random(2);
        for (int row = 0; row < 300; row++)
        {
            double t = random.NextDouble();
            text.Append(CultureInfo.InvariantCulture, $"{t:F4},{(10 * t) + 5:F3},{(t > 0.5 ? "high" : "low")},{1 - t:F4}\n");
        }

        File.WriteAllText(Table, text.ToString());
        TableRun = Path.Combine(Folder, "table");
        TableResult = VaeProcess.Run("train", "--data", Table, "--label-column", "kind", "--likelihood", "gaussian", "--hidden", "16", "--latent", "1", "--epochs", "20", "--out", TableRun, "--device", "cpu");
    }

    public string Folder { get; }

    public string ImageRun { get; }

    public string TableRun { get; }

    public string Table { get; }

    public (int ExitCode, string Output, string Error) ImageResult { get; }

    public (int ExitCode, string Output, string Error) TableResult { get; }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

public class AnomalyAndImputeTests(ImageAndTableRuns runs) : IClassFixture<ImageAndTableRuns>
{
    [Theory]
    [InlineData("elbo")]
    [InlineData("iwae")]
    public void Anomaly_writes_a_csv_ranked_by_descending_score_with_labels_a_picture_and_the_roc_auc(string score)
    {
        runs.ImageResult.ExitCode.Should().Be(0, runs.ImageResult.Error);
        string output = Path.Combine(runs.Folder, $"anomalies-{score}.csv");

        var result = VaeProcess.Run("anomaly", "--model", runs.ImageRun, "--score", score, "--samples", "4", "--anomaly-label", "Square", "--out", output, "--device", "cpu");

        result.ExitCode.Should().Be(0, result.Error);
        string[] lines = File.ReadAllLines(output);
        lines[0].Should().Be("rank,index,score,label");
        lines.Should().HaveCount(2001, "the sprites' test split has 2000 items");
        string[][] rows = lines[1..].Select(line => line.Split(',')).ToArray();
        rows.Select(r => int.Parse(r[0], CultureInfo.InvariantCulture)).Should().Equal(Enumerable.Range(1, 2000));
        rows.Select(r => int.Parse(r[1], CultureInfo.InvariantCulture)).Order().Should().Equal(Enumerable.Range(0, 2000), "each item once");
        rows.Select(r => double.Parse(r[2], CultureInfo.InvariantCulture)).Should().BeInDescendingOrder().And.OnlyContain(s => s > 0);
        rows.Select(r => r[3]).Should().Contain("Square");
        File.ReadAllBytes(Path.ChangeExtension(output, ".png")).Take(4).Should().Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 });
        result.Output.Should().MatchRegex(@"ROC AUC for detecting 'Square' \(\d+ of 2000 items\): [01]\.\d{4}");
    }

    [Theory]
    [InlineData("--anomaly-label", "Hexagon")]
    [InlineData("--samples", "0")]
    [InlineData("--score", "likelihood")]
    public void Anomaly_with_a_bad_option_exits_2_naming_it(string option, string value)
    {
        var result = VaeProcess.Run("anomaly", "--model", runs.ImageRun, option, value, "--out", Path.Combine(runs.Folder, "bad.csv"), "--device", "cpu");

        result.ExitCode.Should().Be(2, result.Output + result.Error);
        result.Error.Should().Contain(value);
    }

    [Theory]
    [InlineData("bottom", "gibbs")]
    [InlineData("random:0.3", "metropolis")]
    [InlineData("center", "gibbs")]
    public void Impute_writes_a_picture_of_originals_inputs_and_imputations_and_reports_the_error(string mask, string method)
    {
        string output = Path.Combine(runs.Folder, $"impute-{Guid.NewGuid():N}.png");

        var result = VaeProcess.Run("impute", "--model", runs.ImageRun, "--mask", mask, "--method", method, "--n", "6", "--iterations", "10", "--out", output, "--device", "cpu");

        result.ExitCode.Should().Be(0, result.Error);
        File.ReadAllBytes(output).Take(4).Should().Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 });
        result.Output.Should().MatchRegex(@"Mean squared error on the missing pixels: \d\.\d{4} \(imputed\), \d\.\d{4} \(per-pixel training mean\)");
    }

    [Fact]
    public void Impute_fills_only_the_empty_csv_cells_in_the_files_units_and_keeps_every_other_byte()
    {
        runs.TableResult.ExitCode.Should().Be(0, runs.TableResult.Error);
        string input = Path.Combine(runs.Folder, "holes.csv");
        string[] original = ["a,b,kind,c", "0.2000,7.000,low,0.8000", "0.9000,,high,0.1000", "", "\"0.5\",,low,", "0.1,6.0,low,0.9"];
        File.WriteAllText(input, string.Join("\r\n", original) + "\r\n");
        string output = Path.Combine(runs.Folder, "filled.csv");

        var result = VaeProcess.Run("impute", "--model", runs.TableRun, "--csv", input, "--out", output, "--iterations", "40", "--device", "cpu");

        result.ExitCode.Should().Be(0, result.Error);
        result.Output.Should().Contain("3 empty cells in 2 of 4 rows");
        string written = File.ReadAllText(output);
        written.Should().EndWith("\r\n");
        string[] lines = written.Split("\r\n");
        lines[..2].Should().Equal(original[..2]);
        lines[3].Should().BeEmpty();
        lines[5].Should().Be(original[5]);
        lines[2].Should().StartWith("0.9000,").And.EndWith(",high,0.1000");
        lines[4].Should().StartWith("\"0.5\",").And.Contain(",low,");
        double b = double.Parse(lines[2].Split(',')[1], CultureInfo.InvariantCulture);
        double c = double.Parse(lines[4].Split(',')[3], CultureInfo.InvariantCulture);

        // The table lies on the line b = 10a + 5, c = 1 − a; the column means would give b ≈ 10 and c ≈ 0.5.
        b.Should().BeInRange(9.5, 15, "a = 0.9 calls for b near 14, above the column mean of 10");
        c.Should().BeInRange(0.3, 0.7, "a = 0.5 calls for c near 0.5");
    }

    [Fact]
    public void Impute_refuses_a_csv_row_with_no_values_and_a_csv_for_an_image_model()
    {
        string input = Path.Combine(runs.Folder, "empty-row.csv");
        File.WriteAllText(input, "a,b,kind,c\n0.2,7,low,0.8\n,,low,\n");

        var emptyRow = VaeProcess.Run("impute", "--model", runs.TableRun, "--csv", input, "--out", Path.Combine(runs.Folder, "x.csv"), "--device", "cpu");
        var imageModel = VaeProcess.Run("impute", "--model", runs.ImageRun, "--csv", input, "--out", Path.Combine(runs.Folder, "y.csv"), "--device", "cpu");
        var badMask = VaeProcess.Run("impute", "--model", runs.ImageRun, "--mask", "random:1.5", "--device", "cpu");

        emptyRow.ExitCode.Should().Be(1, emptyRow.Error);
        emptyRow.Error.Should().Contain("empty-row.csv").And.Contain("data row 2 has no values");
        imageModel.ExitCode.Should().Be(2, imageModel.Error);
        imageModel.Error.Should().Contain("--csv");
        badMask.ExitCode.Should().Be(2, badMask.Error);
        badMask.Error.Should().Contain("random:1.5");
    }
}
