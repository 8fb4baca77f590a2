using System.Globalization;
using System.Text;
using SkiaSharp;

namespace VaeLib.Cli.Tests;

public sealed class FileSourceTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("vae-files-").FullName;

    [Fact]
    public void Trains_a_conv_model_on_an_image_folder_with_class_sub_folders()
    {
        string images = Path.Combine(folder, "images");
        WritePngs(Path.Combine(images, "circles"), 30, circle: true);
        WritePngs(Path.Combine(images, "bars"), 30, circle: false);
        string run = Path.Combine(folder, "run");

        var result = VaeProcess.Run("train", "--data", images, "--model", "conv", "--image-size", "16", "--color", "rgb", "--hidden", "32", "--latent", "2", "--epochs", "1", "--out", run, "--device", "cpu");

        result.ExitCode.Should().Be(0, result.Error);
        result.Output.Should().Contain("54 training and 6 test items of 3x16x16");
        foreach (string file in new[] { "samples.png", "reconstructions.png", "latent.png" })
        {
            File.Exists(Path.Combine(run, file)).Should().BeTrue(file);
        }

        VaeProcess.Run("reconstruct", "--model", run, "--out", Path.Combine(folder, "r.png"), "--device", "cpu").ExitCode.Should().Be(0);
    }

    [Fact]
    public void Trains_on_a_csv_file_with_a_gaussian_likelihood_and_saves_the_standardization()
    {
        string csv = Path.Combine(folder, "table.csv");
        var text = new StringBuilder("a,b,c,kind\n");
        var random = new Random(5);
        for (int row = 0; row < 200; row++)
        {
            double t = random.NextDouble();
            string b = row % 17 == 0 ? string.Empty : (10 * t).ToString(CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture, $"{t},{b},{1 - t},{(t > 0.5 ? "high" : "low")}\n");
        }

        File.WriteAllText(csv, text.ToString());
        string run = Path.Combine(folder, "run");

        var result = VaeProcess.Run("train", "--data", csv, "--label-column", "kind", "--hidden", "16", "--latent", "2", "--epochs", "2", "--out", run, "--device", "cpu");

        result.ExitCode.Should().Be(0, result.Error);
        result.Output.Should().Contain("180 training and 20 test items of 3");
        string model = File.ReadAllText(Path.Combine(run, "model.json"));
        model.Should().Contain("\"likelihood\": \"gaussian\"").And.Contain("csv_standardization");
        File.Exists(Path.Combine(run, "latent.png")).Should().BeTrue();
        File.Exists(Path.Combine(run, "samples.png")).Should().BeFalse("a table has no pictures");
    }

    [Fact]
    public void A_non_numeric_cell_exits_1_naming_the_file()
    {
        string csv = Path.Combine(folder, "bad.csv");
        File.WriteAllText(csv, "a,b\n1,2\n3,three\n");

        var result = VaeProcess.Run("train", "--data", csv, "--epochs", "1");

        result.ExitCode.Should().Be(1);
        result.Error.Should().Contain("bad.csv").And.Contain("three");
    }

    [Fact]
    public void A_folder_with_one_image_exits_1_and_says_why()
    {
        string images = Path.Combine(folder, "one");
        WritePngs(images, 1, circle: true);

        var result = VaeProcess.Run("train", "--data", images, "--epochs", "1");

        result.ExitCode.Should().Be(1, result.Error);
        result.Error.Should().Contain("one").And.Contain("at least two");
    }

    [Fact]
    public void Options_that_do_not_apply_to_the_data_exit_2()
    {
        VaeProcess.Run("train", "--label-column", "kind", "--epochs", "1").ExitCode.Should().Be(2);
        VaeProcess.Run("train", "--model", "conv", "--hidden", "64", "32", "--epochs", "1").ExitCode.Should().Be(2);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static void WritePngs(string directory, int count, bool circle)
    {
        Directory.CreateDirectory(directory);
        for (int i = 0; i < count; i++)
        {
            using var bitmap = new SKBitmap(20, 20);
            using (var canvas = new SKCanvas(bitmap))
            using (var paint = new SKPaint { Color = new SKColor((byte)(100 + (i * 5)), 200, 50) })
            {
                canvas.Clear(SKColors.Black);
                if (circle)
                {
                    canvas.DrawCircle(10, 10, 3 + (i % 5), paint);
                }
                else
                {
                    canvas.DrawRect(2 + (i % 8), 2, 4, 16, paint);
                }
            }

            using SKData png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(Path.Combine(directory, $"{i}.png"), png.ToArray());
        }
    }
}
