using VaeLib.Evaluation;
using static TorchSharp.torch;

namespace VaeLib.Tests.Evaluation;

public class PrincipalComponentsTests
{
    [Fact]
    public void Projects_onto_the_direction_of_largest_variance()
    {
        using var scope = NewDisposeScope();
        // Points spread along (1, 1)/√2 with small noise across it, offset from the origin.
        using var generator = new Generator(2);
        Tensor t = randn([500, 1], generator: generator) * 3;
        Tensor noise = randn([500, 1], generator: generator) * 0.1;
        Tensor rows = cat([t + noise, t - noise], 1) + 10;

        Tensor scores = PrincipalComponents.Project(rows, 1);

        double expectedVariance = (t * Math.Sqrt(2)).var().item<float>();
        scores.var().item<float>().Should().BeApproximately((float)expectedVariance, (float)(0.01 * expectedVariance));
        scores.mean().item<float>().Should().BeApproximately(0f, 1e-3f, "the data are centred");
    }
}
