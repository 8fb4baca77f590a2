namespace VaeLib.Cli.Tests;

/// <summary>Counts that size a tensor are bounded and refused before a model is loaded, never a native allocation failure.</summary>
public sealed class CountBoundTests
{
    [Theory]
    [InlineData("interpolate", "--prior", "--steps", "2000000")]
    [InlineData("traverse", "--range", "3", "--steps", "100000000")]
    [InlineData("interpolate", "--prior", "--steps", "1")]
    public void Steps_outside_the_bounds_are_a_usage_error_before_the_model_is_read(string command, params string[] options)
    {
        // The model folder does not exist: a count checked only after loading would fail on the model instead.
        var result = VaeProcess.Run([command, "--model", Path.Combine(Path.GetTempPath(), "no-such-model-folder"), .. options]);

        result.ExitCode.Should().Be(2, result.Error);
        result.Error.Should().Contain("--steps must be between 2 and 1000").And.NotContain("no-such-model-folder");
    }
}
