using TorchSharp;
using VaeLib.Likelihoods;
using VaeLib.Modules;
using static TorchSharp.torch;

namespace VaeLib.Tests;

public class VariationalAutoencoderTests
{
    [Fact]
    public void Forward_returns_posterior_samples_and_decoder_output_with_a_sample_dimension()
    {
        using var scope = NewDisposeScope();
        using var model = VariationalAutoencoder.CreateMlp([1, 6, 6], latentSize: 3, hiddenSizes: [10]);
        using var generator = new Generator(1);

        VaeOutput output = model.Forward(rand(4, 1, 6, 6), sampleCount: 5, generator);

        output.Posterior.Mean.shape.Should().Equal(4, 3);
        output.Posterior.LogVariance.shape.Should().Equal(4, 3);
        output.Z.shape.Should().Equal(5, 4, 3);
        output.DecoderOutput.shape.Should().Equal(5, 4, 1, 6, 6);
        model.call(rand(4, 1, 6, 6)).DecoderOutput.shape.Should().Equal(1, 4, 1, 6, 6);
    }

    [Fact]
    public void Encode_decode_reconstruct_and_sample_have_the_data_shape()
    {
        using var scope = NewDisposeScope();
        using var model = VariationalAutoencoder.CreateMlp([2, 3], latentSize: 2, hiddenSizes: [8]);
        Tensor x = rand(5, 2, 3);

        model.Encode(x).StandardDeviation.shape.Should().Equal(5, 2);
        model.Decode(randn(5, 2)).shape.Should().Equal(5, 2, 3);
        model.Reconstruct(x).shape.Should().Equal(5, 2, 3);
        Tensor samples = model.Sample(7);
        samples.shape.Should().Equal(7, 2, 3);
        samples.min().item<float>().Should().BeGreaterThanOrEqualTo(0);
        samples.max().item<float>().Should().BeLessThanOrEqualTo(1);
        samples.requires_grad.Should().BeFalse();
    }

    [Fact]
    public void Decoding_a_sample_batch_equals_decoding_each_sample()
    {
        using var scope = NewDisposeScope();
        using var model = VariationalAutoencoder.CreateMlp([4], latentSize: 2, hiddenSizes: [8]);
        Tensor z = randn(3, 5, 2);

        Tensor batched = model.Decode(z);

        batched[1].allclose(model.Decode(z[1]), rtol: 1e-5, atol: 1e-6).Should().BeTrue();
    }

    [Fact]
    public void A_batch_of_the_wrong_shape_names_expected_and_found_shapes()
    {
        using var scope = NewDisposeScope();
        using var model = VariationalAutoencoder.CreateMlp([1, 28, 28], latentSize: 2, hiddenSizes: [8]);

        FluentActions.Invoking(() => model.Encode(rand(3, 1, 27, 28)))
            .Should().Throw<ArgumentException>().WithMessage("*[N, 1, 28, 28]*[3, 1, 27, 28]*");
        FluentActions.Invoking(() => model.Decode(rand(3, 5)))
            .Should().Throw<ArgumentException>().WithMessage("*[N, 2]*[3, 5]*");
    }

    [Fact]
    public void Input_with_nan_is_rejected_naming_the_item()
    {
        using var scope = NewDisposeScope();
        using var model = VariationalAutoencoder.CreateMlp([3], latentSize: 2, hiddenSizes: [8]);
        Tensor x = rand(4, 3);
        x[2, 1] = tensor(float.NaN);

        FluentActions.Invoking(() => model.Reconstruct(x)).Should().Throw<ArgumentException>().WithMessage("*Item 2*NaN*cannot impute*");
        FluentActions.Invoking(() => model.CheckInput(rand(4, 5))).Should().Throw<ArgumentException>().WithMessage("*[N, 3]*[4, 5]*");
        FluentActions.Invoking(() => model.CheckInput(rand(4, 3))).Should().NotThrow();
    }

    [Fact]
    public void An_encoder_whose_output_differs_from_what_it_declares_is_rejected_at_construction()
    {
        var encoder = new MisdeclaredEncoder();
        var decoder = new MlpDecoder(new MlpDecoderOptions { LatentSize = 2, OutputShape = [4], HiddenSizes = [] });

        Action create = () => _ = new VariationalAutoencoder(encoder, decoder, new BernoulliLikelihood());

        create.Should().Throw<ArgumentException>().WithMessage("*declares 10 features*[2, 12]*");
    }

    [Fact]
    public void An_encoder_and_decoder_for_different_data_shapes_are_rejected()
    {
        var encoder = new MlpEncoder(new MlpEncoderOptions { InputShape = [4], HiddenSizes = [] });
        var decoder = new MlpDecoder(new MlpDecoderOptions { LatentSize = 2, OutputShape = [5], HiddenSizes = [] });

        Action create = () => _ = new VariationalAutoencoder(encoder, decoder, new BernoulliLikelihood());

        create.Should().Throw<ArgumentException>().WithMessage("*[4]*[5]*");
    }

    private sealed class MisdeclaredEncoder : Encoder
    {
        private readonly nn.Module<Tensor, Tensor> layer = nn.Linear(4, 12);

        public MisdeclaredEncoder()
            : base(nameof(MisdeclaredEncoder), [4], outputSize: 10) => RegisterComponents();

        public override Tensor forward(Tensor input) => layer.call(input);
    }
}
