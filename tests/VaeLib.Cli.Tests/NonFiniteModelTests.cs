using System.Globalization;
using VaeLib.Persistence;
using static TorchSharp.torch;

namespace VaeLib.Cli.Tests;

/// <summary>A model whose weights hold NaN is refused by every command at load, naming the parameter (exit 1), instead of writing NaN scores or failing later.</summary>
public sealed class NonFiniteModelTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("vae-nan-model-").FullName;

    [Fact]
    public void Every_command_refuses_a_model_with_nan_weights_naming_the_parameter()
    {
        string csv = Path.Combine(folder, "table.csv");
        File.WriteAllLines(csv, ["a,b,c", .. Enumerable.Range(0, 60).Select(i => string.Create(CultureInfo.InvariantCulture, $"{i % 7},{i % 5 * 0.5},{Math.Sin(i)}"))]);
        string run = Path.Combine(folder, "run");
        var trained = VaeProcess.Run("train", "--data", csv, "--epochs", "1", "--hidden", "8", "--latent", "2", "--device", "cpu", "--quiet", "--out", run);
        trained.ExitCode.Should().Be(0, trained.Error);
        string parameter;
        using (SavedModel saved = SavedModel.Load(run))
        {
            (parameter, TorchSharp.Modules.Parameter weights) = saved.Model.named_parameters().First();
            using (no_grad())
            {
                weights.fill_(float.NaN);
            }

            saved.Save(run);
        }

        string[][] commands =
        [
            ["eval", "--model", run],
            ["anomaly", "--model", run, "--out", Path.Combine(folder, "scores.csv")],
            ["encode", "--model", run, "--out", Path.Combine(folder, "codes.csv")],
            ["impute", "--model", run, "--csv", csv, "--out", Path.Combine(folder, "filled.csv")],
            ["sample", "--model", run, "--out", Path.Combine(folder, "samples.png")],
        ];
        foreach (string[] command in commands)
        {
            var result = VaeProcess.Run(command);
            result.ExitCode.Should().Be(1, $"vae {command[0]}: {result.Output} {result.Error}");
            result.Error.Should().Contain($"parameter '{parameter}' holds NaN or infinite values", $"vae {command[0]}");
        }

        File.Exists(Path.Combine(folder, "scores.csv")).Should().BeFalse("no NaN scores are written");
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
