using System.Text.Json;

namespace VaeLib.Cli.Tests;

public class EvaluationCommandTests(TrainedRun run) : IClassFixture<TrainedRun>
{
    [Fact]
    public void Eval_reports_the_elbo_the_estimates_at_rising_k_active_units_pca_and_the_probe()
    {
        string folder = Path.Combine(Path.GetDirectoryName(run.Folder)!, $"evaluation-{Guid.NewGuid():N}");

        var result = VaeProcess.Run("eval", "--model", run.Folder, "--iwae-samples", "20", "--items", "150", "--out", folder, "--device", "cpu");

        result.ExitCode.Should().Be(0, result.Error);
        result.Output.Should().Contain("negative ELBO").And.Contain("K = 1 ").And.Contain("K = 10 ").And.Contain("K = 20 ")
            .And.Contain("active units").And.Contain("PCA with 4 components").And.Contain("linear probe");
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "evaluation.json")));
        JsonElement report = document.RootElement;
        report.GetProperty("items").GetInt32().Should().Be(150);
        double negativeElbo = report.GetProperty("negative_elbo").GetDouble();
        negativeElbo.Should().BeApproximately(report.GetProperty("reconstruction").GetDouble() + report.GetProperty("kl").GetDouble(), 1e-9);
        JsonElement[] estimates = report.GetProperty("importance_weighted").EnumerateArray().ToArray();
        estimates.Select(estimate => estimate.GetProperty("k").GetInt32()).Should().Equal(1, 10, 20);
        double[] negativeLogLikelihood = estimates.Select(estimate => estimate.GetProperty("negative_log_likelihood").GetDouble()).ToArray();
        negativeLogLikelihood.Should().BeInDescendingOrder("the bound on −log p(x) tightens with K");
        negativeLogLikelihood[^1].Should().BeLessThan(negativeElbo);
        report.GetProperty("latent_size").GetInt32().Should().Be(4);
        report.GetProperty("active_units").GetInt32().Should().BeInRange(0, 4);
        report.GetProperty("kl_per_dimension").GetArrayLength().Should().Be(4);
        report.GetProperty("pca_squared_error").GetDouble().Should().BePositive();
        report.GetProperty("probe_accuracy").GetDouble().Should().BeInRange(0, 1);
        report.GetProperty("majority_rate").GetDouble().Should().BeInRange(0, 1);
        File.ReadAllBytes(Path.Combine(folder, "latent-pca.png")).Take(4).Should().Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 });
    }

    [Fact]
    public void Encode_writes_one_row_per_test_item_with_the_label_mu_and_sigma()
    {
        string path = Path.Combine(Path.GetDirectoryName(run.Folder)!, $"latents-{Guid.NewGuid():N}.csv");

        var result = VaeProcess.Run("encode", "--model", run.Folder, "--out", path, "--device", "cpu");

        result.ExitCode.Should().Be(0, result.Error);
        string[] lines = File.ReadAllLines(path);
        lines[0].Should().Be("index,label,mu_1,mu_2,mu_3,mu_4,sigma_1,sigma_2,sigma_3,sigma_4");
        lines.Should().HaveCount(2001, "the built-in sprites have 2000 test items");
        string[] first = lines[1].Split(',');
        first[0].Should().Be("0");
        first[1].Should().BeOneOf("Square", "Ellipse", "Heart");
        first[6..].Select(value => double.Parse(value, System.Globalization.CultureInfo.InvariantCulture)).Should().OnlyContain(sigma => sigma > 0);
    }

    [Theory]
    [InlineData("eval", "--iwae-samples", "0")]
    [InlineData("eval", "--items", "0")]
    [InlineData("encode", "--split", "both")]
    public void Bad_values_exit_2_naming_the_option_or_the_value(params string[] arguments)
    {
        var result = VaeProcess.Run([.. arguments, "--model", run.Folder, "--device", "cpu"]);

        result.ExitCode.Should().Be(2, result.Error);
        result.Error.Should().Contain("error:").And.ContainAny(arguments[1], $"'{arguments[2]}'");
    }

    [Fact]
    public void A_model_whose_kl_was_weighted_out_of_use_gets_a_posterior_collapse_warning()
    {
        string collapsed = Path.Combine(Path.GetDirectoryName(run.Folder)!, "collapsed");
        var training = VaeProcess.Run("train", "--epochs", "1", "--hidden", "32", "--latent", "4", "--beta", "100", "--out", collapsed, "--device", "cpu", "--quiet");
        training.ExitCode.Should().Be(0, training.Error);

        var result = VaeProcess.Run("eval", "--model", collapsed, "--iwae-samples", "2", "--items", "50", "--device", "cpu");

        result.ExitCode.Should().Be(0, result.Error);
        result.Error.Should().Contain("warning: posterior collapse").And.Contain("of 4 latent dimensions are active");
        File.Exists(Path.Combine(collapsed, "evaluation.json")).Should().BeTrue("the report goes to the model folder by default");
    }

    [Fact]
    public void Both_commands_have_help()
    {
        foreach (string command in new[] { "eval", "encode" })
        {
            var result = VaeProcess.Run(command, "--help");

            result.ExitCode.Should().Be(0, command);
            result.Output.Should().Contain("--model", command);
        }
    }
}
