using System.Diagnostics;
using TorchSharp;
using VaeLib.Training;
using static TorchSharp.torch;

namespace VaeLib.Benchmarks;

/// <summary>The machine's fp32 matrix-multiply rate and where a VaeLib MLP minibatch spends its time.</summary>
internal static class MachineProbe
{
    /// <summary>Training FLOPs per item of the 784-400-20 MLP VAE: 2 per multiply-add, backward twice forward.</summary>
    public const double MlpTrainingFlopsPerItem = 3 * 2 * ((784 * 400) + (2 * 400 * 20) + (20 * 400) + (400 * 784));

    /// <summary>The best of several timed 2048×2048×2048 products, in GFLOP/s, with libtorch's default threads.</summary>
    public static double MatmulGflops()
    {
        using var scope = NewDisposeScope();
        Tensor a = randn(2048, 2048);
        Tensor b = randn(2048, 2048);
        double best = double.MaxValue;
        for (int i = 0; i < 8; i++)
        {
            using var inner = NewDisposeScope();
            var watch = Stopwatch.StartNew();
            _ = a.matmul(b);
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }

        return 2.0 * 2048 * 2048 * 2048 / best / 1e9;
    }

    /// <summary>Milliseconds per minibatch of 128 in each part of VaeLib's training step (the median of 200).</summary>
    public static StepBreakdown MlpStep()
    {
        using var vae = VariationalAutoencoder.CreateMlp([1, 28, 28], latentSize: 20, hiddenSizes: [400]);
        using var optimizer = new ScalarFreeAdam(vae.parameters().ToList(), 1e-3);
        using var generator = new Generator(1);
        var loss = new ElboLoss();
        using Tensor images = randint(0, 256, [6000, 1, 28, 28], dtype: ScalarType.Byte);
        using Tensor order = randperm(6000);
        using Tensor batch = rand(128, 1, 28, 28);
        double data = Median(() => _ = images.index_select(0, order.narrow(0, 256, 128)).to_type(ScalarType.Float32).div_(Runtime.Scalars.ByteMax));
        double forwardBackward = Median(() =>
        {
            optimizer.zero_grad();
            loss.Evaluate(vae, batch, 1, generator).Loss.mean().backward();
        });
        double step = Median(() => optimizer.step());
        return new StepBreakdown(data, forwardBackward, step);
    }

    private static double Median(Action action)
    {
        var times = new List<double>();
        for (int i = 0; i < 240; i++)
        {
            using var scope = NewDisposeScope();
            var watch = Stopwatch.StartNew();
            action();
            if (i >= 40)
            {
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
        }

        times.Sort();
        return times[times.Count / 2];
    }
}

/// <summary>Milliseconds per minibatch: gathering it from bytes, forward and backward with the loss, the Adam step.</summary>
internal sealed record StepBreakdown(double DataMs, double ForwardBackwardMs, double OptimizerMs)
{
    public double TotalMs => DataMs + ForwardBackwardMs + OptimizerMs;
}
