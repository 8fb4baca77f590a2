using VaeLib.Persistence;
using static TorchSharp.torch;

namespace VaeLib.Onnx.Tests;

/// <summary>Small models of each built-in architecture, made in the test (no data or model is downloaded).</summary>
internal static class ExportedModels
{
    /// <summary>An MLP or conv model on 1×16×16 images with random initial weights (seeded) and the named likelihood.</summary>
    public static VariationalAutoencoder Create(ModelKind kind, LikelihoodKind likelihood, int seed = 3, Modules.Activation activation = Modules.Activation.Relu)
    {
        manual_seed(seed);
        return new VaeArchitecture
        {
            Kind = kind,
            InputShape = [1, 16, 16],
            HiddenSizes = kind == ModelKind.Mlp ? [64, 32] : [48],
            LatentSize = 5,
            Likelihood = likelihood,
            GaussianVariance = 0.5,
            Activation = activation,
        }.Build();
    }

    public static string TemporaryFolder()
    {
        string folder = Path.Combine(Path.GetTempPath(), "vaelib-onnx-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }
}
