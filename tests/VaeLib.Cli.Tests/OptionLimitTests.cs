using System.CommandLine;
using System.Diagnostics;

namespace VaeLib.Cli.Tests;

/// <summary>Every numeric option is range-checked while parsing: exit 2, the option named as typed, nothing read.</summary>
public sealed class OptionLimitTests
{
    private static readonly RootCommand Root = VaeCommandLine.Create(new Interrupts());

    [Fact]
    public void Every_numeric_option_of_every_command_has_a_range_check()
    {
        var numeric = Root.Subcommands
            .SelectMany(command => command.Options.Select(option => (Command: command.Name, Option: option)))
            .Where(entry => IsNumeric(entry.Option.ValueType))
            .ToList();

        numeric.Should().HaveCountGreaterThan(30);
        numeric.Where(entry => entry.Option.Validators.Count == 0).Select(entry => $"{entry.Command} {entry.Option.Name}").Should().BeEmpty();
    }

    [Theory]
    [InlineData("train", "--hidden", "0")]
    [InlineData("train", "--latent", "-1")]
    [InlineData("train", "--epochs", "0")]
    [InlineData("train", "--epochs", "2000000")]
    [InlineData("train", "--batch", "0")]
    [InlineData("train", "--batch", "100000")]
    [InlineData("train", "--lr", "-1")]
    [InlineData("train", "--lr", "0")]
    [InlineData("train", "--lr", "NaN")]
    [InlineData("train", "--beta", "-0.5")]
    [InlineData("train", "--variance", "0")]
    [InlineData("train", "--image-size", "2")]
    [InlineData("train", "--image-size", "5000")]
    [InlineData("train", "--checkpoint-every", "0")]
    [InlineData("train", "--max-grad-norm", "-1")]
    [InlineData("train", "--kl-warmup", "-1")]
    [InlineData("train", "--free-bits", "-1")]
    [InlineData("train", "--samples", "0")]
    [InlineData("train", "--samples", "5000")]
    [InlineData("train", "--max-parameters", "0")]
    [InlineData("sample", "--n", "0")]
    [InlineData("sample", "--max-parameters", "-5")]
    [InlineData("reconstruct", "--n", "5000")]
    [InlineData("interpolate", "--steps", "2000000")]
    [InlineData("interpolate", "--steps", "1")]
    [InlineData("interpolate", "--from", "-1")]
    [InlineData("interpolate", "--to", "-2")]
    [InlineData("traverse", "--steps", "100000000")]
    [InlineData("traverse", "--dims", "0")]
    [InlineData("traverse", "--dims", "5000")]
    [InlineData("traverse", "--from", "-1")]
    [InlineData("traverse", "--range", "0")]
    [InlineData("anomaly", "--samples", "0")]
    [InlineData("impute", "--n", "0")]
    [InlineData("impute", "--iterations", "1")]
    [InlineData("eval", "--iwae-samples", "0")]
    [InlineData("eval", "--items", "0")]
    [InlineData("encode", "--max-parameters", "0")]
    [InlineData("explore", "--port", "70000")]
    [InlineData("export", "--opset", "9")]
    public void A_value_out_of_range_is_a_parse_error_that_names_the_option_as_typed(string command, string option, string value)
    {
        ParseResult parsed = Root.Parse(Arguments(command, option, value));

        parsed.Errors.Select(error => error.Message).Should().ContainSingle()
            .Which.Should().StartWith($"{option} must be").And.EndWith($"found {value}.").And.NotContain("Parameter");
    }

    [Theory]
    [InlineData("train", "--lr", "1e-6")]
    [InlineData("train", "--kl-warmup", "0")]
    [InlineData("train", "--image-size", "1024")]
    [InlineData("train", "--hidden", "1000000")]
    [InlineData("sample", "--n", "4096")]
    [InlineData("interpolate", "--steps", "1000")]
    [InlineData("traverse", "--steps", "2")]
    [InlineData("train", "--seed", "-7")]
    [InlineData("export", "--opset", "21")]
    public void A_value_at_the_edge_of_its_range_parses(string command, string option, string value)
    {
        Root.Parse(Arguments(command, option, value)).Errors.Should().BeEmpty();
    }

    [Theory]
    [InlineData("train", "--lr", "-1")]
    [InlineData("train", "--latent", "0")]
    [InlineData("train", "--image-size", "2")]
    [InlineData("train", "--free-bits", "NaN")]
    [InlineData("reconstruct", "--n", "0")]
    [InlineData("interpolate", "--steps", "2000000")]
    [InlineData("traverse", "--steps", "100000000")]
    [InlineData("anomaly", "--samples", "0")]
    [InlineData("encode", "--max-parameters", "0")]
    [InlineData("explore", "--port", "70000")]
    public void A_bad_option_exits_2_fast_before_the_data_or_the_model_is_read(string command, string option, string value)
    {
        // Both --data and --model name paths that would fail to load (exit 1) if anything were read first.
        string missing = Path.Combine(Path.GetTempPath(), "vae-no-such-" + Guid.NewGuid().ToString("N"));
        string[] source = command == "train" ? ["--data", missing + ".csv"] : ["--model", missing, "--data", missing + ".csv"];

        var clock = Stopwatch.StartNew();
        var result = VaeProcess.Run([command, option, value, .. source]);

        result.ExitCode.Should().Be(2, result.Error);
        result.Error.Should().Contain($"error: {option} must be").And.NotContain(missing).And.NotContain("Parameter '");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20));
    }

    /// <summary>The option and the options the command requires (train's --model is the network family, not a folder).</summary>
    private static string[] Arguments(string command, string option, string value) =>
        command switch
        {
            "train" => [command, option, value],
            "explore" => [command, option, value, "--model", "/no/such/model"],
            _ => [command, option, value, "--model", "/no/such/model", "--out", "/no/such/out"],
        };

    private static bool IsNumeric(Type type)
    {
        Type element = type.IsArray ? type.GetElementType()! : Nullable.GetUnderlyingType(type) ?? type;
        return element == typeof(int) || element == typeof(long) || element == typeof(double);
    }
}
