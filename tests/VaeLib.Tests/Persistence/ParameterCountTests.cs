using System.Diagnostics;
using System.Text.Json.Nodes;
using VaeLib.Persistence;

namespace VaeLib.Tests.Persistence;

/// <summary>
/// <see cref="VaeArchitecture.ParameterCount"/> is exact, and both <see cref="VaeArchitecture.Build"/> and
/// <see cref="SavedModel.Load"/> refuse an architecture above the parameter limit before allocating it.
/// </summary>
public sealed class ParameterCountTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("vaelib-size-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    public static TheoryData<VaeArchitecture> Architectures() =>
    [
        new VaeArchitecture { InputShape = [1, 28, 28], HiddenSizes = [400], LatentSize = 20 },
        new VaeArchitecture { InputShape = [6], HiddenSizes = [], LatentSize = 3 },
        new VaeArchitecture { InputShape = [2, 5, 3], HiddenSizes = [17, 9, 4], LatentSize = 2, Likelihood = LikelihoodKind.Gaussian },
        new VaeArchitecture { InputShape = [1, 28, 28], HiddenSizes = [64, 32], LatentSize = 5, ConditionSize = 10 },
        new VaeArchitecture { Kind = ModelKind.Conv, InputShape = [1, 28, 28], HiddenSizes = [128], LatentSize = 8 },
        new VaeArchitecture { Kind = ModelKind.Conv, InputShape = [3, 16, 12], HiddenSizes = [], LatentSize = 4 },
        new VaeArchitecture { Kind = ModelKind.Conv, InputShape = [3, 32, 32], HiddenSizes = [50], LatentSize = 6, ConditionSize = 7 },
        new VaeArchitecture { Kind = ModelKind.Conv, InputShape = [1, 20, 28], HiddenSizes = [], LatentSize = 3, ConditionSize = 2 },
    ];

    [Theory]
    [MemberData(nameof(Architectures))]
    public void The_count_is_the_number_of_values_the_built_model_holds(VaeArchitecture architecture)
    {
        using VariationalAutoencoder model = architecture.Build();

        long built = model.parameters().Sum(parameter => parameter.numel());
        architecture.ParameterCount().Should().Be(built);
    }

    [Fact]
    public void An_architecture_with_a_custom_module_has_no_known_count()
    {
        new VaeArchitecture { CustomEncoder = "mine" }.ParameterCount().Should().BeNull();
    }

    [Fact]
    public void Build_refuses_one_parameter_over_the_limit_and_builds_at_the_limit()
    {
        var architecture = new VaeArchitecture { InputShape = [10], HiddenSizes = [7], LatentSize = 3, ConditionSize = 2 };
        long count = architecture.ParameterCount()!.Value;

        FluentActions.Invoking(() => architecture.Build(maxParameterCount: count - 1)).Should().Throw<ArgumentOutOfRangeException>()
            .Which.Message.Should().Contain($"{count:N0} parameters").And.Contain($"at most {count - 1:N0}");
        using VariationalAutoencoder model = architecture.Build(maxParameterCount: count);
        model.ConditionSize.Should().Be(2);
    }

    [Theory]
    [InlineData(1_000_000, 20, 0)]
    [InlineData(400, 100_000, 0)]
    [InlineData(400, 20, 5_000_000)]
    public void Build_refuses_a_model_above_the_default_limit_with_its_count_and_size_without_allocating_it(int hidden, int latent, int condition)
    {
        var architecture = new VaeArchitecture { InputShape = [1, 28, 28], HiddenSizes = [hidden], LatentSize = latent, ConditionSize = condition };
        long count = architecture.ParameterCount()!.Value;
        count.Should().BeGreaterThan(VaeArchitecture.DefaultMaxParameterCount);

        long peak = PeakGrowth(() => FluentActions.Invoking(() => architecture.Build()).Should().Throw<ArgumentOutOfRangeException>()
            .Which.Message.Should().Contain($"{count:N0} parameters").And.Contain(VaeArchitecture.FormatFloatBytes(count)));

        peak.Should().BeLessThan(100_000_000, "nothing of the model's size may be allocated");
    }

    [Fact]
    public void The_memory_probe_of_these_tests_sees_a_model_being_allocated()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // 784 → 40 000 → 784 with latent 2: about 63 M parameters, 250 MB of weights written by their initialisation.
        var architecture = new VaeArchitecture { InputShape = [1, 28, 28], HiddenSizes = [40_000], LatentSize = 2 };
        long peak = PeakGrowth(() => architecture.Build().Dispose());

        peak.Should().BeGreaterThan(200_000_000);
    }

    [Theory]
    [InlineData("conditionSize", "5000000")]
    [InlineData("hiddenSizes", "[1000000]")]
    [InlineData("latentSize", "100000")]
    public void Load_refuses_a_tampered_description_above_the_limit_quickly_with_its_count_and_low_memory(string property, string value)
    {
        SaveModel(hidden: 400);
        JsonNode root = JsonNode.Parse(File.ReadAllText(DescriptionPath))!;
        root["architecture"]![property] = JsonNode.Parse(value);
        File.WriteAllText(DescriptionPath, root.ToJsonString());
        long count = new VaeArchitecture
        {
            InputShape = [1, 28, 28],
            HiddenSizes = property == "hiddenSizes" ? [1_000_000] : [400],
            LatentSize = property == "latentSize" ? 100_000 : 3,
            ConditionSize = property == "conditionSize" ? 5_000_000 : 0,
        }.ParameterCount()!.Value;

        var clock = Stopwatch.StartNew();
        long peak = PeakGrowth(() => FluentActions.Invoking(() => SavedModel.Load(folder)).Should().Throw<ModelFormatException>()
            .Which.Message.Should().Contain(DescriptionPath).And.Contain($"{count:N0} parameters").And.Contain(VaeArchitecture.FormatFloatBytes(count)));

        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2));
        peak.Should().BeLessThan(100_000_000);
    }

    [Fact]
    public void A_custom_encoder_does_not_hide_a_condition_size_that_inflates_the_latent_heads()
    {
        var architecture = new VaeArchitecture { InputShape = [6], LatentSize = 20, ConditionSize = 5_000_000, CustomEncoder = "mine" };

        architecture.KnownParameterCount().Should().BeGreaterThan(2L * 5_000_000 * 20);
        FluentActions.Invoking(() => architecture.Build(new ModuleRegistry())).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Load_takes_a_lower_limit_and_a_higher_one()
    {
        var architecture = SaveModel(hidden: 16);
        long count = architecture.ParameterCount()!.Value;

        FluentActions.Invoking(() => SavedModel.Load(folder, maxParameterCount: count - 1)).Should().Throw<ModelFormatException>()
            .Which.Message.Should().Contain($"at most {count - 1:N0}");
        using SavedModel loaded = SavedModel.Load(folder, maxParameterCount: count);
        loaded.Model.parameters().Sum(parameter => parameter.numel()).Should().Be(count);
    }

    [Fact]
    public void Sizes_whose_count_overflows_a_long_saturate()
    {
        new VaeArchitecture { InputShape = [9_000_000_000_000_000_000, 9_000_000_000_000_000_000], HiddenSizes = [2_000_000_000] }
            .ParameterCount().Should().Be(long.MaxValue);
    }

    private string DescriptionPath => Path.Combine(folder, SavedModel.DescriptionFileName);

    private VaeArchitecture SaveModel(int hidden)
    {
        var architecture = new VaeArchitecture { InputShape = [1, 28, 28], HiddenSizes = [hidden], LatentSize = 3 };
        using VariationalAutoencoder model = architecture.Build();
        new SavedModel(model, architecture, new Dictionary<string, string>()).Save(folder);
        return architecture;
    }

    /// <summary>How much the process's peak resident memory grows during the action (Linux; 0 elsewhere).</summary>
    private static long PeakGrowth(Action action)
    {
        if (!OperatingSystem.IsLinux())
        {
            action();
            return 0;
        }

        // Writing 5 to clear_refs resets the peak (VmHWM) to the current resident size, so the growth is this action's.
        File.WriteAllText("/proc/self/clear_refs", "5");
        long before = ResidentPeak();
        action();
        return ResidentPeak() - before;
    }

    private static long ResidentPeak()
    {
        string line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }
}
