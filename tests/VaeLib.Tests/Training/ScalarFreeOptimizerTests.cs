using TorchSharp;
using VaeLib.Training;
using static TorchSharp.torch;

namespace VaeLib.Tests.Training;

/// <summary>The trainer's optimizers must update exactly as TorchSharp's own Adam and RMSprop do.</summary>
[Collection(GlobalRandomStateCollection.Name)]
public class ScalarFreeOptimizerTests
{
    [Theory]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.RmsProp)]
    public void Steps_match_TorchSharps_optimizer(OptimizerKind kind)
    {
        using var initial = Network(seed: 7);
        using var reference = Network(seed: 7);
        using var candidate = Network(seed: 7);
        const double learningRate = 0.01;
        using optim.Optimizer stock = kind == OptimizerKind.Adam
            ? optim.Adam(reference.parameters(), learningRate)
            : optim.RMSProp(reference.parameters(), learningRate);
        using optim.Optimizer ours = kind == OptimizerKind.Adam
            ? new ScalarFreeAdam(candidate.parameters(), learningRate)
            : new ScalarFreeRmsProp(candidate.parameters(), learningRate);

        for (int step = 0; step < 6; step++)
        {
            using var scope = NewDisposeScope();
            Tensor input = randn(new long[] { 16, 5 }, generator: new Generator((ulong)step + 1));
            foreach ((nn.Module<Tensor, Tensor> network, optim.Optimizer optimizer) in new[] { (reference, stock), (candidate, ours) })
            {
                optimizer.zero_grad();
                network.call(input).pow(2).mean().backward();
                optimizer.step();
            }
        }

        foreach (var ((expected, actual), start) in reference.parameters().Zip(candidate.parameters()).Zip(initial.parameters()))
        {
            actual.allclose(start, rtol: 0, atol: 0).Should().BeFalse("six steps must move every parameter");
            actual.allclose(expected, rtol: 1e-6, atol: 1e-7).Should().BeTrue($"parameter {Shapes.Format(Shapes.Of(actual))} must follow the stock update");
        }
    }

    [Fact]
    public void Zero_grad_zeroes_every_gradient_in_place()
    {
        using var network = Network(seed: 3);
        using var optimizer = new ScalarFreeAdam(network.parameters(), 1e-3);
        network.call(ones(4, 5)).sum().backward();
        network.parameters().Should().OnlyContain(parameter => parameter.grad!.abs().max().item<float>() > 0);

        optimizer.zero_grad();

        foreach (var parameter in network.parameters())
        {
            parameter.grad!.abs().max().item<float>().Should().Be(0f);
        }
    }

    private static nn.Module<Tensor, Tensor> Network(int seed)
    {
        manual_seed(seed);
        return nn.Sequential(("hidden", nn.Linear(5, 8)), ("activation", nn.Tanh()), ("output", nn.Linear(8, 3)));
    }
}
