using System.Globalization;
using TorchSharp;
using VaeLib.Modules;
using VaeLib.Persistence;
using static TorchSharp.torch;

namespace VaeLib.Tests.Persistence;

public sealed class ModuleRegistryTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("vaelib-registry-").FullName;

    [Fact]
    public void A_model_with_a_custom_encoder_reloads_through_its_registered_factory()
    {
        using var scope = NewDisposeScope();
        var registry = new ModuleRegistry().RegisterEncoder("scaled", spec => new ScaledEncoder(spec));
        var architecture = new VaeArchitecture
        {
            InputShape = [5],
            LatentSize = 2,
            HiddenSizes = [400],
            CustomEncoder = "scaled",
            CustomSettings = new Dictionary<string, string> { ["width"] = "7" },
        };
        using var model = architecture.Build(registry);
        model.eval();
        Tensor x = rand(3, 5);
        Tensor before = model.Reconstruct(x);
        new SavedModel(model, architecture, new Dictionary<string, string>()).Save(folder);

        using SavedModel loaded = SavedModel.Load(folder, registry);

        loaded.Model.Encoder.Should().BeOfType<ScaledEncoder>().Which.OutputSize.Should().Be(7);
        loaded.Model.Decoder.Should().BeOfType<MlpDecoder>("the built-in decoder is used, and the custom encoder is much smaller than the built-in one the hidden size describes");
        loaded.Model.Reconstruct(x).allclose(before, rtol: 0, atol: 0).Should().BeTrue();
        FluentActions.Invoking(() => SavedModel.Load(folder))
            .Should().Throw<ModelFormatException>().WithMessage("*model.json*custom encoder 'scaled' is not registered*RegisterEncoder*");
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private sealed class ScaledEncoder : Encoder
    {
        private readonly nn.Module<Tensor, Tensor> layer;

        public ScaledEncoder(ModuleSpec spec)
            : base(nameof(ScaledEncoder), spec.InputShape, long.Parse(spec.Settings["width"], CultureInfo.InvariantCulture))
        {
            layer = nn.Linear(spec.InputShape[0], OutputSize);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => nn.functional.tanh(layer.call(input));
    }
}
