using VaeLib.Modules;
using VaeLib.Persistence;

namespace VaeLib.Tests.Persistence;

public class VaeArchitectureTests
{
    [Fact]
    public void Builds_the_described_modules()
    {
        using var mlp = new VaeArchitecture { InputShape = [1, 28, 28], HiddenSizes = [400], LatentSize = 20 }.Build();
        using var conv = new VaeArchitecture { Kind = ModelKind.Conv, InputShape = [1, 28, 28], HiddenSizes = [128], LatentSize = 8 }.Build();

        mlp.Encoder.Should().BeOfType<MlpEncoder>().Which.OutputSize.Should().Be(400);
        mlp.LatentSize.Should().Be(20);
        conv.Encoder.Should().BeOfType<ConvEncoder>().Which.OutputSize.Should().Be(128);
        conv.Decoder.Should().BeOfType<ConvTransposeDecoder>();
    }

    [Fact]
    public void A_conv_model_on_vectors_is_a_clear_error()
    {
        FluentActions.Invoking(() => new VaeArchitecture { Kind = ModelKind.Conv, InputShape = [12] }.Build())
            .Should().Throw<ArgumentException>().WithMessage("*[C, H, W]*[12]*mlp*");
    }
}
