using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using VaeLib.Data;
using static TorchSharp.torch;

namespace VaeLib.Benchmarks;

/// <summary>
/// The baseline a person writes by hand with TorchSharp alone: the whole training set as one float tensor, batches
/// gathered with <c>index_select</c>, sigmoid then binary cross-entropy, TorchSharp's Adam, a dispose scope per batch,
/// glibc's default allocator settings. It prints one JSON line per epoch in the same form as the PyTorch peer.
/// </summary>
internal static class MinimalLoop
{
    public static int Run(int epochs, int batchSize, ulong seed)
    {
        manual_seed((long)seed);
        using DataSplits data = IdxDataLoader.LoadKnown(KnownDataSources.FashionMnist);
        using Tensor train = AsFloats(data.Train);
        using Tensor test = AsFloats(data.Test);
        using var model = new Mlp();
        using var optimizer = optim.Adam(model.parameters(), 1e-3);
        long count = train.shape[0];
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            var stopwatch = Stopwatch.StartNew();
            double trainLoss = 0;
            using (var epochScope = NewDisposeScope())
            {
                Tensor order = randperm(count);
                for (long start = 0; start < count; start += batchSize)
                {
                    using var scope = NewDisposeScope();
                    Tensor x = train.index_select(0, order.narrow(0, start, Math.Min(batchSize, count - start)));
                    optimizer.zero_grad();
                    Tensor loss = model.Loss(x);
                    loss.backward();
                    optimizer.step();
                    trainLoss += loss.item<float>();
                }
            }

            double seconds = stopwatch.Elapsed.TotalSeconds;
            double testLoss = 0;
            using (no_grad())
            {
                for (long start = 0; start < test.shape[0]; start += batchSize)
                {
                    using var scope = NewDisposeScope();
                    testLoss += model.Loss(test.narrow(0, start, Math.Min(batchSize, test.shape[0] - start))).item<float>();
                }
            }

            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{{\"epoch\":{epoch},\"seconds\":{seconds:F3},\"samples_per_s\":{count / seconds:F1},\"train_loss\":{trainLoss / count:F4},\"test_loss\":{testLoss / test.shape[0]:F4},\"rss_mb\":{ProcessMemory.ResidentMegabytes():F1}}}"));
        }

        return 0;
    }

    private static Tensor AsFloats(ImageDataset data)
    {
        using var scope = NewDisposeScope();
        return data.GetBatch(arange(data.Count, dtype: ScalarType.Int64)).flatten(1).MoveToOuterDisposeScope();
    }

    /// <summary>The classic 784-400-20 VAE, written out the way the PyTorch example writes it.</summary>
    internal sealed class Mlp : nn.Module
    {
        private readonly TorchSharp.Modules.Linear fc1 = nn.Linear(784, 400);
        private readonly TorchSharp.Modules.Linear fc21 = nn.Linear(400, 20);
        private readonly TorchSharp.Modules.Linear fc22 = nn.Linear(400, 20);
        private readonly TorchSharp.Modules.Linear fc3 = nn.Linear(20, 400);
        private readonly TorchSharp.Modules.Linear fc4 = nn.Linear(400, 784);

        public Mlp()
            : base(nameof(Mlp))
        {
            RegisterComponents();
        }

        public Tensor Loss(Tensor x)
        {
            Tensor h1 = nn.functional.relu(fc1.call(x));
            Tensor mu = fc21.call(h1);
            Tensor logVariance = fc22.call(h1);
            Tensor z = mu + (randn_like(mu) * (logVariance * 0.5).exp());
            Tensor reconstruction = nn.functional.sigmoid(fc4.call(nn.functional.relu(fc3.call(z))));
            Tensor bce = nn.functional.binary_cross_entropy(reconstruction, x, reduction: nn.Reduction.Sum);
            Tensor kl = ((logVariance + 1) - mu.pow(2) - logVariance.exp()).sum() * -0.5;
            return bce + kl;
        }
    }
}
