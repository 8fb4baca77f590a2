using System.Text.Json;
using VaeLib.Data;
using VaeLib.Evaluation;
using VaeLib.Persistence;
using static TorchSharp.torch;

namespace VaeLib.Tests.Persistence;

/// <summary>
/// Model folders written by the version-1 format (tests/Fixtures/v1, made by <c>vae train</c> before the format grew)
/// load and compute what they computed when they were written: codes, reconstructions and their log-likelihood, the
/// KL, seeded samples and the IWAE estimate, against expected.json written by that code.
/// </summary>
/// <remarks>
/// expected.json was written by this test itself with <c>VAELIB_WRITE_FIXTURES=&lt;tests/Fixtures/v1 folder&gt;</c> on
/// the version-1 code (commit "Version-1 model folders as fixtures"); it is never rewritten once the format changes.
/// </remarks>
public sealed class FormatVersion1Tests
{
    private const int Items = 4;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static TheoryData<string> Fixtures => new() { "mlp", "conv", "conditional", "csv" };

    public static string FixtureFolder(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "v1", name);

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void A_version_1_folder_loads_and_computes_what_it_computed_when_written(string name)
    {
        string folder = FixtureFolder(name);
        string descriptionBefore = File.ReadAllText(Path.Combine(folder, SavedModel.DescriptionFileName));
        Dictionary<string, double[]> computed = Compute(folder);

        string? writeTo = Environment.GetEnvironmentVariable("VAELIB_WRITE_FIXTURES");
        if (writeTo is not null)
        {
            File.WriteAllText(Path.Combine(writeTo, name, "expected.json"), JsonSerializer.Serialize(computed, Indented));
            return;
        }

        var expected = JsonSerializer.Deserialize<Dictionary<string, double[]>>(File.ReadAllText(Path.Combine(folder, "expected.json")))!;
        computed.Keys.Should().BeEquivalentTo(expected.Keys);
        foreach ((string quantity, double[] values) in expected)
        {
            computed[quantity].Should().HaveCount(values.Length, quantity);
            for (int i = 0; i < values.Length; i++)
            {
                computed[quantity][i].Should().BeApproximately(values[i], 1e-5 + (1e-5 * Math.Abs(values[i])), $"{name}: {quantity}[{i}]");
            }
        }

        File.ReadAllText(Path.Combine(folder, SavedModel.DescriptionFileName)).Should().Be(descriptionBefore, "a version-1 folder is never rewritten by loading it");
    }

    private static Dictionary<string, double[]> Compute(string folder)
    {
        using SavedModel saved = SavedModel.Load(folder);
        VariationalAutoencoder model = saved.Model;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor x = Inputs(saved, folder);
        Tensor? condition = model.IsConditional ? eye(model.ConditionSize)[arange(Items) % model.ConditionSize] : null;

        var posterior = model.Encode(x, condition);
        Tensor parameters = model.Decode(posterior.Mean, condition);
        using var sampleGenerator = new Generator(5);
        Tensor samples = condition is null ? model.Sample(Items, sampleGenerator) : model.Sample(condition, sampleGenerator);
        var values = new Dictionary<string, double[]>
        {
            ["mean"] = Values(posterior.Mean),
            ["log_variance"] = Values(posterior.LogVariance),
            ["log_p_x_given_mean"] = Values(model.Likelihood.LogProb(x, parameters)),
            ["kl"] = Values(posterior.KlToStandardNormal()),
            ["reconstruction_head"] = Values(model.Reconstruct(x, condition).flatten(1)[.., ..8]),
            ["sample_sums"] = Values(samples.flatten(1).sum(1)),
        };
        if (condition is null)
        {
            using var iwaeGenerator = new Generator(7);
            values["iwae_8"] = Values(MarginalLikelihood.ImportanceWeighted(model, x, 8, iwaeGenerator));
        }

        return values;
    }

    /// <summary>Four items made by a formula for image models; the first four rows of the saved table for the CSV model.</summary>
    private static Tensor Inputs(SavedModel saved, string folder)
    {
        if (CsvStandardization.FromMetadata(saved.Metadata) is { } standardization)
        {
            using CsvDataset table = CsvDataset.Load(Path.Combine(folder, "table.csv"), new CsvOptions { LabelColumn = saved.Metadata["csv_label_column"], Standardization = standardization });
            return table.GetBatch(arange(Items)).clone();
        }

        long elements = saved.Model.InputShape.Aggregate(1L, (product, size) => product * size);
        Tensor index = arange(Items * elements, dtype: ScalarType.Float64);
        return index.mul(0.37).sin().abs().to_type(ScalarType.Float32).reshape([Items, .. saved.Model.InputShape]);
    }

    private static double[] Values(Tensor tensor) => tensor.to_type(ScalarType.Float64).flatten().data<double>().ToArray();
}
