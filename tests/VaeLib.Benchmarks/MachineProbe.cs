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

    /// <summary>
    /// Milliseconds per minibatch of 128 in each part of VaeLib's step, and the whole step of VaeLib and of the
    /// minimal loop timed in alternation in this one process (so drift in the machine's speed hits both alike).
    /// </summary>
    public static StepBreakdown MlpStep()
    {
        using var vae = VariationalAutoencoder.CreateMlp([1, 28, 28], latentSize: 20, hiddenSizes: [400]);
        using var minimal = new MinimalLoop.Mlp();
        using var optimizer = new ScalarFreeAdam(vae.parameters().ToList(), 1e-3);
        using var minimalOptimizer = optim.Adam(minimal.parameters(), 1e-3);
        using var generator = new Generator(1);
        var loss = new ElboLoss();
        using Tensor images = randint(0, 256, [6000, 1, 28, 28], dtype: ScalarType.Byte);
        using Tensor order = randperm(6000);
        using Tensor floats = images.to_type(ScalarType.Float32).div_(Runtime.Scalars.ByteMax).flatten(1);
        var parts = new[] { "data", "forward-backward", "optimizer", "vaelib-step", "minimal-step" }.ToDictionary(name => name, _ => new List<double>());
        for (int i = 0; i < 300; i++)
        {
            long start = (i * 128L) % (6000 - 128);
            Tensor Batch() => images.index_select(0, order.narrow(0, start, 128)).to_type(ScalarType.Float32).div_(Runtime.Scalars.ByteMax);
            Time(parts["data"], i, () => Batch());
            Time(parts["forward-backward"], i, () =>
            {
                Tensor batch = Batch();
                optimizer.zero_grad();
                loss.Evaluate(vae, batch, 1, generator).Loss.mean().backward();
            });
            Time(parts["optimizer"], i, () => optimizer.step());
            Time(parts["vaelib-step"], i, () =>
            {
                Tensor batch = Batch();
                optimizer.zero_grad();
                loss.Evaluate(vae, batch, 1, generator).Loss.mean().backward();
                optimizer.step();
            });
            Time(parts["minimal-step"], i, () =>
            {
                Tensor batch = floats.index_select(0, order.narrow(0, start, 128));
                minimalOptimizer.zero_grad();
                minimal.Loss(batch).backward();
                minimalOptimizer.step();
            });
        }

        return new StepBreakdown(Median(parts["data"]), Median(parts["forward-backward"]), Median(parts["optimizer"]), Median(parts["vaelib-step"]), Median(parts["minimal-step"]));
    }

    private static void Time(List<double> times, int iteration, Action action)
    {
        using var scope = NewDisposeScope();
        var watch = Stopwatch.StartNew();
        action();
        if (iteration >= 50)
        {
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
    }

    private static double Median(List<double> times)
    {
        times.Sort();
        return times[times.Count / 2];
    }
}

/// <summary>
/// Milliseconds per minibatch of 128: VaeLib's step in parts (gathering the batch from bytes, forward and backward
/// with the loss, the Adam step) and whole, and the minimal loop's whole step, timed in alternation.
/// </summary>
internal sealed record StepBreakdown(double DataMs, double ForwardBackwardMs, double OptimizerMs, double VaeLibStepMs, double MinimalStepMs);
