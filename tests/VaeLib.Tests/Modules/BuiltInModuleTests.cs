using VaeLib.Modules;
using static TorchSharp.torch;

namespace VaeLib.Tests.Modules;

public class BuiltInModuleTests
{
    [Fact]
    public void Mlp_encoder_flattens_and_returns_the_last_hidden_size()
    {
        using var scope = NewDisposeScope();
        using var encoder = new MlpEncoder(new MlpEncoderOptions { InputShape = [1, 6, 5], HiddenSizes = [16, 7], Activation = Activation.Tanh });

        encoder.OutputSize.Should().Be(7);
        encoder.call(rand(3, 1, 6, 5)).shape.Should().Equal(3, 7);
    }

    [Fact]
    public void Mlp_encoder_without_hidden_layers_returns_the_flattened_input()
    {
        using var scope = NewDisposeScope();
        using var encoder = new MlpEncoder(new MlpEncoderOptions { InputShape = [2, 3], HiddenSizes = [] });
        Tensor input = rand(4, 2, 3);

        encoder.OutputSize.Should().Be(6);
        encoder.call(input).allclose(input.reshape(4, 6), rtol: 0, atol: 0).Should().BeTrue();
    }

    [Fact]
    public void Mlp_decoder_returns_the_output_shape()
    {
        using var scope = NewDisposeScope();
        using var decoder = new MlpDecoder(new MlpDecoderOptions { LatentSize = 3, OutputShape = [1, 6, 5], HiddenSizes = [9] });

        decoder.call(randn(2, 3)).shape.Should().Equal(2, 1, 6, 5);
    }

    [Fact]
    public void Conv_encoder_and_transposed_decoder_map_28_by_28_images()
    {
        using var scope = NewDisposeScope();
        using var encoder = new ConvEncoder(new ConvEncoderOptions());
        using var decoder = new ConvTransposeDecoder(new ConvTransposeDecoderOptions { LatentSize = 4 });

        encoder.call(rand(2, 1, 28, 28)).shape.Should().Equal(2, 256);
        decoder.call(randn(2, 4)).shape.Should().Equal(2, 1, 28, 28);
    }

    [Fact]
    public void Conv_modules_handle_colour_images_and_no_dense_layer()
    {
        using var scope = NewDisposeScope();
        using var encoder = new ConvEncoder(new ConvEncoderOptions { InputShape = [3, 32, 32], Channels = [8, 16, 32], FeatureSize = 0 });
        using var decoder = new ConvTransposeDecoder(new ConvTransposeDecoderOptions { LatentSize = 5, OutputShape = [3, 32, 32], Channels = [32, 16, 8], FeatureSize = 0 });

        encoder.OutputSize.Should().Be(32 * 4 * 4);
        encoder.call(rand(2, 3, 32, 32)).shape.Should().Equal(2, 32 * 4 * 4);
        decoder.call(randn(2, 5)).shape.Should().Equal(2, 3, 32, 32);
    }

    [Fact]
    public void Transposed_decoder_rejects_sizes_it_cannot_reach()
    {
        Action create = () => _ = new ConvTransposeDecoder(new ConvTransposeDecoderOptions { OutputShape = [1, 30, 30] });

        create.Should().Throw<ArgumentException>().WithMessage("*[1, 30, 30]*divisible by 4*");
    }

    [Fact]
    public void Conv_encoder_rejects_images_too_small_for_its_layers()
    {
        Action create = () => _ = new ConvEncoder(new ConvEncoderOptions { InputShape = [1, 4, 4], Channels = [8, 8, 8] });

        create.Should().Throw<ArgumentException>().WithMessage("*[1, 4, 4]*too small*");
    }

    [Fact]
    public void Invalid_options_name_the_option()
    {
        FluentActions.Invoking(() => new MlpEncoderOptions { HiddenSizes = [10, 0] })
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be("HiddenSizes");
        FluentActions.Invoking(() => new MlpDecoderOptions { LatentSize = 0 })
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("LatentSize");
        FluentActions.Invoking(() => new MlpEncoderOptions { InputShape = [1, 0, 28] })
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be("InputShape");
        FluentActions.Invoking(() => new ConvEncoderOptions { InputShape = [28, 28] })
            .Should().Throw<ArgumentException>().WithMessage("*[C, H, W]*[28, 28]*");
    }
}
