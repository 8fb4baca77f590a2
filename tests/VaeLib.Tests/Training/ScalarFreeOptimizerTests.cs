using TorchSharp;
using VaeLib.Training;
using static TorchSharp.torch;

namespace VaeLib.Tests.Training;

/// <summary>The trainer's optimizers must update exactly as TorchSharp's own Adam, RMSprop and AdamW do.</summary>
[Collection(GlobalRandomStateCollection.Name)]
public class ScalarFreeOptimizerTests
{
    [Theory]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.RmsProp)]
    [InlineData(OptimizerKind.AdamW)]
    public void Steps_match_TorchSharps_optimizer(OptimizerKind kind)
    {
        using var initial = Network(seed: 7);
        using var reference = Network(seed: 7);
        using var candidate = Network(seed: 7);
        const double learningRate = 0.01;

        // lr·λ = 0.005: six steps shrink θ by 3 %, far above the tolerance, so a missing or misplaced decay fails.
        const double weightDecay = 0.5;
        using optim.Optimizer stock = kind switch
        {
            OptimizerKind.Adam => optim.Adam(reference.parameters(), learningRate),
            OptimizerKind.RmsProp => optim.RMSProp(reference.parameters(), learningRate),
            _ => optim.AdamW(reference.parameters(), learningRate, weight_decay: weightDecay),
        };
        using optim.Optimizer ours = kind switch
        {
            OptimizerKind.Adam => new ScalarFreeAdam(candidate.parameters(), learningRate),
            OptimizerKind.RmsProp => new ScalarFreeRmsProp(candidate.parameters(), learningRate),
            _ => new ScalarFreeAdamW(candidate.parameters(), learningRate, weightDecay),
        };

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

    /// <summary>Gradients of 1e−8, the size of ε: wherever ε sits in the update (inside √v, outside the bias correction, …) changes the step by a large factor.</summary>
    private static readonly double[][] TinyGradients =
    [
        [1e-8, -2e-8, 5e-9, 1e-7],
        [-1e-8, 3e-8, 5e-9, 0],
        [2e-8, 1e-8, -5e-9, 1e-8],
    ];

    private static readonly double[] Start = [0.5, -0.25, 1.0, 2.0];

    [Fact]
    public void Adam_steps_as_the_hand_computed_update_where_epsilon_matters()
    {
        const double learningRate = 0.01, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
        double[] theta = (double[])Start.Clone(), m = new double[4], v = new double[4];
        var expected = new List<double[]>();
        for (int t = 1; t <= TinyGradients.Length; t++)
        {
            for (int i = 0; i < 4; i++)
            {
                double g = (float)TinyGradients[t - 1][i];
                m[i] = (beta1 * m[i]) + ((1 - beta1) * g);
                v[i] = (beta2 * v[i]) + ((1 - beta2) * g * g);
                double mHat = m[i] / (1 - Math.Pow(beta1, t));
                double vHat = v[i] / (1 - Math.Pow(beta2, t));
                theta[i] -= learningRate * mHat / (Math.Sqrt(vHat) + epsilon); // no weight decay: θ itself adds nothing
            }

            expected.Add((double[])theta.Clone());
        }

        ExpectSteps(parameter => new ScalarFreeAdam([parameter], learningRate), Start, TinyGradients, expected);
    }

    [Fact]
    public void RmsProp_steps_as_the_hand_computed_update_where_epsilon_matters()
    {
        const double learningRate = 0.01, alpha = 0.99, epsilon = 1e-8;
        double[] theta = (double[])Start.Clone(), squares = new double[4];
        var expected = new List<double[]>();
        foreach (double[] gradients in TinyGradients)
        {
            for (int i = 0; i < 4; i++)
            {
                double g = (float)gradients[i];
                squares[i] = (alpha * squares[i]) + ((1 - alpha) * g * g);
                theta[i] -= learningRate * g / (Math.Sqrt(squares[i]) + epsilon);
            }

            expected.Add((double[])theta.Clone());
        }

        ExpectSteps(parameter => new ScalarFreeRmsProp([parameter], learningRate), Start, TinyGradients, expected);
    }

    /// <summary>
    /// Gradients about the size of λθ below, some against θ's sign: there decoupled decay (θ shrinks by lr·λ·θ) and
    /// an L2 term λθ added to the gradient (which Adam then divides by √v) move θ very differently.
    /// </summary>
    private static readonly double[][] DecayGradients =
    [
        [0.02, 0.01, -0.05, 0.3],
        [0.01, 0.02, -0.04, -0.1],
        [-0.03, 0.01, 0.02, 0.2],
    ];

    [Fact]
    public void AdamW_steps_as_the_hand_computed_decoupled_update_and_not_as_L2_coupled_Adam()
    {
        const double learningRate = 0.01, weightDecay = 0.5;
        List<double[]> decoupled = AdamSteps(learningRate, weightDecay, coupled: false);
        List<double[]> coupled = AdamSteps(learningRate, weightDecay, coupled: true);
        List<double[]> plain = AdamSteps(learningRate, weightDecay: 0, coupled: false);
        for (int step = 0; step < decoupled.Count; step++)
        {
            for (int i = 0; i < Start.Length; i++)
            {
                Math.Abs(decoupled[step][i] - coupled[step][i]).Should().BeGreaterThan(1e-4, $"step {step + 1}, element {i}: L2-coupled Adam must fail this test");
                Math.Abs(decoupled[step][i] - plain[step][i]).Should().BeGreaterThan(1e-4, $"step {step + 1}, element {i}: Adam without decay must fail this test");
            }
        }

        ExpectSteps(parameter => new ScalarFreeAdamW([parameter], learningRate, weightDecay), Start, DecayGradients, decoupled);
    }

    /// <summary>
    /// Adam in double precision on <see cref="DecayGradients"/> from <see cref="Start"/>: with decoupled decay
    /// (AdamW, PyTorch's order: θ ← θ(1 − lr·λ) first, then Adam's step on g), or with λθ added to g (L2).
    /// </summary>
    private static List<double[]> AdamSteps(double learningRate, double weightDecay, bool coupled)
    {
        const double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
        double[] theta = (double[])Start.Clone(), m = new double[4], v = new double[4];
        var steps = new List<double[]>();
        for (int t = 1; t <= DecayGradients.Length; t++)
        {
            for (int i = 0; i < 4; i++)
            {
                double g = (float)DecayGradients[t - 1][i];
                if (coupled)
                {
                    g += weightDecay * theta[i];
                }
                else
                {
                    theta[i] *= 1 - (learningRate * weightDecay);
                }

                m[i] = (beta1 * m[i]) + ((1 - beta1) * g);
                v[i] = (beta2 * v[i]) + ((1 - beta2) * g * g);
                double mHat = m[i] / (1 - Math.Pow(beta1, t));
                double vHat = v[i] / (1 - Math.Pow(beta2, t));
                theta[i] -= learningRate * mHat / (Math.Sqrt(vHat) + epsilon);
            }

            steps.Add((double[])theta.Clone());
        }

        return steps;
    }

    [Fact]
    public void Weight_decay_is_checked_when_set_and_refused_by_the_trainer_without_AdamW()
    {
        foreach (double bad in new[] { -0.1, double.NaN, double.PositiveInfinity })
        {
            FluentActions.Invoking(() => new TrainerOptions { WeightDecay = bad })
                .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("WeightDecay");
        }

        new TrainerOptions().WeightDecay.Should().Be(0);
        using var model = VariationalAutoencoder.CreateMlp([4], latentSize: 2, hiddenSizes: [8]);
        foreach (OptimizerKind kind in new[] { OptimizerKind.Adam, OptimizerKind.RmsProp })
        {
            FluentActions.Invoking(() => new Trainer(model, new TrainerOptions { Optimizer = kind, WeightDecay = 0.01, Device = ComputeDevice.Cpu }))
                .Should().Throw<ArgumentException>().WithMessage($"*WeightDecay 0.01*OptimizerKind.AdamW*{kind}*");
        }

        using var adamW = new Trainer(model, new TrainerOptions { Optimizer = OptimizerKind.AdamW, WeightDecay = 0.01, Device = ComputeDevice.Cpu });
        using var adam = new Trainer(model, new TrainerOptions { Optimizer = OptimizerKind.Adam, Device = ComputeDevice.Cpu });
    }

    /// <summary>Steps on loss = Σ θ·c, whose gradient is exactly c, and compares θ after each step.</summary>
    private static void ExpectSteps(Func<TorchSharp.Modules.Parameter, optim.Optimizer> create, double[] start, double[][] gradients, List<double[]> expected)
    {
        using var scope = NewDisposeScope();
        var parameter = new TorchSharp.Modules.Parameter(tensor(start.Select(v => (float)v).ToArray()));
        using optim.Optimizer optimizer = create(parameter);
        for (int step = 0; step < gradients.Length; step++)
        {
            optimizer.zero_grad();
            parameter.mul(tensor(gradients[step].Select(v => (float)v).ToArray())).sum().backward();
            optimizer.step();
            float[] actual = parameter.data<float>().ToArray();
            for (int i = 0; i < start.Length; i++)
            {
                actual[i].Should().BeApproximately((float)expected[step][i], 5e-7f, $"step {step + 1}, element {i}");
            }

            if (step == 0)
            {
                actual.Zip(start, (a, s) => Math.Abs(a - s)).Should().OnlyContain(moved => moved > 1e-3, "each element moves by a good part of the learning rate");
            }
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
