using VaeLib.Persistence;
using static TorchSharp.torch;

namespace VaeLib.Tests.Persistence;

public sealed class SavedModelTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("vaelib-model-").FullName;

    [Theory]
    [InlineData(ModelKind.Mlp, LikelihoodKind.Bernoulli)]
    [InlineData(ModelKind.Conv, LikelihoodKind.Gaussian)]
    public void A_saved_model_reloads_without_user_code_and_computes_the_same(ModelKind kind, LikelihoodKind likelihood)
    {
        using var scope = NewDisposeScope();
        var architecture = new VaeArchitecture { Kind = kind, InputShape = [1, 8, 8], HiddenSizes = [16], LatentSize = 3, Likelihood = likelihood, GaussianVariance = 0.5 };
        using var model = architecture.Build();
        model.eval();
        Tensor x = rand(4, 1, 8, 8);
        Tensor before = model.Reconstruct(x);

        new SavedModel(model, architecture, new Dictionary<string, string> { ["data"] = "sprites" }).Save(folder);
        using SavedModel loaded = SavedModel.Load(folder);

        loaded.Architecture.Should().BeEquivalentTo(architecture);
        loaded.Metadata.Should().Contain("data", "sprites");
        loaded.Model.Likelihood.Name.Should().Be(likelihood == LikelihoodKind.Bernoulli ? "bernoulli" : "gaussian");
        loaded.Model.Reconstruct(x).allclose(before, rtol: 0, atol: 0).Should().BeTrue();
        Directory.GetFiles(folder).Select(Path.GetFileName).Should().BeEquivalentTo(["model.json", "weights.bin"], "no temporary file is left");
    }

    [Fact]
    public void A_folder_without_a_model_names_what_is_missing()
    {
        FluentActions.Invoking(() => SavedModel.Load(folder))
            .Should().Throw<ModelFormatException>().WithMessage("*not a saved VaeLib model*model.json*weights.bin*");
    }

    [Fact]
    public void A_newer_format_version_is_refused()
    {
        Save();
        string path = Path.Combine(folder, "model.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"formatVersion\": 1", "\"formatVersion\": 99", StringComparison.Ordinal));

        FluentActions.Invoking(() => SavedModel.Load(folder))
            .Should().Throw<ModelFormatException>().WithMessage("*model.json*version 99*");
    }

    [Fact]
    public void Weights_for_another_architecture_are_refused()
    {
        Save();
        string path = Path.Combine(folder, "model.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"latentSize\": 3", "\"latentSize\": 5", StringComparison.Ordinal));

        FluentActions.Invoking(() => SavedModel.Load(folder))
            .Should().Throw<ModelFormatException>().WithMessage("*weights.bin*do not match*");
    }

    [Fact]
    public void An_architecture_that_cannot_be_built_is_refused_naming_the_file()
    {
        Save();
        string path = Path.Combine(folder, "model.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"kind\": \"mlp\"", "\"kind\": \"conv\"", StringComparison.Ordinal));

        FluentActions.Invoking(() => SavedModel.Load(folder))
            .Should().Throw<ModelFormatException>().WithMessage("*model.json*cannot be built*");
    }

    [Fact]
    public void Truncated_weights_and_broken_json_are_refused()
    {
        Save();
        string weights = Path.Combine(folder, "weights.bin");
        byte[] bytes = File.ReadAllBytes(weights);
        File.WriteAllBytes(weights, bytes[..(bytes.Length / 2)]);

        FluentActions.Invoking(() => SavedModel.Load(folder)).Should().Throw<ModelFormatException>().WithMessage("*weights.bin*");

        File.WriteAllText(Path.Combine(folder, "model.json"), "{ not json");
        FluentActions.Invoking(() => SavedModel.Load(folder)).Should().Throw<ModelFormatException>().WithMessage("*model.json*");
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private void Save()
    {
        var architecture = new VaeArchitecture { InputShape = [6], HiddenSizes = [8], LatentSize = 3 };
        using var model = architecture.Build();
        new SavedModel(model, architecture, new Dictionary<string, string>()).Save(folder);
    }
}
