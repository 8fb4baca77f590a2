using VaeLib.Latent;
using static TorchSharp.torch;

namespace VaeLib.Tests.Latent;

public class GaussianLatentTests
{
    [Fact]
    public void Heads_map_features_to_mean_and_log_variance_of_the_latent_size()
    {
        using var scope = NewDisposeScope();
        using var latent = new GaussianLatent(featureSize: 6, latentSize: 3);

        GaussianPosterior posterior = latent.call(randn(5, 6));

        posterior.Mean.shape.Should().Equal(5, 3);
        posterior.LogVariance.shape.Should().Equal(5, 3);
        posterior.Mean.allclose(posterior.LogVariance).Should().BeFalse("the two heads have their own weights");
    }

    [Fact]
    public void A_zero_latent_size_is_rejected()
    {
        Action create = () => _ = new GaussianLatent(6, 0);

        create.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("latentSize");
    }
}
