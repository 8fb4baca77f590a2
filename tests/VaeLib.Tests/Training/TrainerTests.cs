using TorchSharp;
using VaeLib.Data;
using VaeLib.Modules;
using VaeLib.Training;
using static TorchSharp.torch;

namespace VaeLib.Tests.Training;

[Collection(GlobalRandomStateCollection.Name)]
public class TrainerTests
{
    [Theory]
    [MemberData(nameof(TestDevices.Available), MemberType = typeof(TestDevices))]
    public void Training_lowers_the_loss_on_a_small_synthetic_data_set(ComputeDevice device)
    {
        using var data = SmallSprites(512, seed: 1);
        using var model = VariationalAutoencoder.CreateMlp(data.ItemShape, latentSize: 4, hiddenSizes: [64]);
        using var trainer = new Trainer(model, new TrainerOptions { Epochs = 6, BatchSize = 32, LearningRate = 3e-3, Device = device });
        var reports = new List<EpochReport>();

        ValidationReport before = trainer.Evaluate(data);
        TrainingHistory history = trainer.Fit(data, data, new SynchronousProgress<EpochReport>(reports.Add));
        ValidationReport after = trainer.Evaluate(data);

        history.WasCancelled.Should().BeFalse();
        history.Epochs.Should().HaveCount(6).And.Equal(reports);
        history.Epochs.Select(report => report.Epoch).Should().Equal(1, 2, 3, 4, 5, 6);
        after.Loss.Should().BeLessThan(0.6 * before.Loss);
        history.Epochs[^1].TrainLoss.Should().BeLessThan(history.Epochs[0].TrainLoss);
        history.Epochs[^1].Validation!.Loss.Should().BeApproximately(after.Loss, 1e-4, "validation uses the same evaluation");
        history.Epochs[^1].TrainLoss.Should().BeApproximately(history.Epochs[^1].TrainReconstruction + history.Epochs[^1].TrainKl, 1e-3);
        history.Epochs.Should().AllSatisfy(report => report.SamplesPerSecond.Should().BePositive());
    }

    [Fact]
    public void Rmsprop_also_trains()
    {
        using var data = SmallSprites(256, seed: 2);
        using var model = VariationalAutoencoder.CreateMlp(data.ItemShape, latentSize: 4, hiddenSizes: [32]);
        using var trainer = new Trainer(model, new TrainerOptions { Epochs = 4, BatchSize = 32, Optimizer = OptimizerKind.RmsProp, Device = ComputeDevice.Cpu });

        ValidationReport before = trainer.Evaluate(data);
        trainer.Fit(data);

        trainer.Evaluate(data).Loss.Should().BeLessThan(0.7 * before.Loss);
    }

    [Fact]
    public void The_same_seed_on_the_cpu_repeats_the_loss_sequence_exactly()
    {
        using var data = SmallSprites(256, seed: 3);

        double[] first = TrainLosses(data, seed: 5, globalDraws: 0);
        double[] second = TrainLosses(data, seed: 5, globalDraws: 1000);
        double[] other = TrainLosses(data, seed: 6, globalDraws: 0);

        second.Should().Equal(first);
        other.Should().NotEqual(first);
    }

    [Fact]
    public void Cancelling_after_an_epoch_returns_the_completed_epochs()
    {
        using var data = SmallSprites(128, seed: 4);
        using var model = VariationalAutoencoder.CreateMlp(data.ItemShape, latentSize: 2, hiddenSizes: [16]);
        using var trainer = new Trainer(model, new TrainerOptions { Epochs = 50, BatchSize = 32, Device = ComputeDevice.Cpu });
        using var cancellation = new CancellationTokenSource();

        TrainingHistory history = trainer.Fit(data, progress: new SynchronousProgress<EpochReport>(_ => cancellation.Cancel()), cancellationToken: cancellation.Token);

        history.WasCancelled.Should().BeTrue();
        history.Epochs.Should().ContainSingle();
    }

    [Fact]
    public void Cancelling_mid_epoch_stops_between_minibatches()
    {
        using var cancellation = new CancellationTokenSource();
        using var sprites = SmallSprites(320, seed: 5);
        var data = new CancellingDataset(sprites, cancelOnCall: 3, cancellation);
        using var model = VariationalAutoencoder.CreateMlp(data.ItemShape, latentSize: 2, hiddenSizes: [16]);
        using var trainer = new Trainer(model, new TrainerOptions { Epochs = 3, BatchSize = 32, Device = ComputeDevice.Cpu });

        TrainingHistory history = trainer.Fit(data, cancellationToken: cancellation.Token);

        history.WasCancelled.Should().BeTrue();
        history.Epochs.Should().BeEmpty("the epoch in progress is not reported");
        data.Calls.Should().Be(3, "the third batch finishes, and no further batch starts");
    }

    [Fact]
    public void Minibatches_and_epochs_do_not_leave_tensors_behind()
    {
        using var sprites = SmallSprites(320, seed: 6);
        var data = new LiveTensorCountingDataset(sprites);
        using var model = VariationalAutoencoder.CreateMlp(data.ItemShape, latentSize: 4, hiddenSizes: [32]);
        using var trainer = new Trainer(model, new TrainerOptions { Epochs = 4, BatchSize = 32, Device = ComputeDevice.Cpu });

        // Ten batches per epoch. The first steps create the optimizer's state; after that, the number of live
        // tensors when a batch starts must be the same at every batch and every epoch.
        trainer.Fit(data, sprites);

        data.LiveCounts.Should().HaveCount(40);
        data.LiveCounts.Skip(2).Distinct().Should().ContainSingle(
            $"no tensor may outlive its minibatch; counts at each batch: {string.Join(", ", data.LiveCounts)}");
    }

    [Fact]
    public void A_custom_encoder_plugs_into_the_model_and_trains()
    {
        using var data = SmallSprites(256, seed: 7);
        var encoder = new TinyResidualEncoder(data.ItemShape);
        var decoder = new MlpDecoder(new MlpDecoderOptions { LatentSize = 3, OutputShape = data.ItemShape, HiddenSizes = [32] });
        using var model = new VariationalAutoencoder(encoder, decoder, new VaeLib.Likelihoods.BernoulliLikelihood());
        using var trainer = new Trainer(model, new TrainerOptions { Epochs = 4, BatchSize = 32, LearningRate = 3e-3, Device = ComputeDevice.Cpu });

        ValidationReport before = trainer.Evaluate(data);
        trainer.Fit(data);

        trainer.Evaluate(data).Loss.Should().BeLessThan(0.7 * before.Loss);
        model.Encoder.Should().BeSameAs(encoder);
    }

    [Fact]
    public void Data_of_the_wrong_shape_is_rejected_with_both_shapes()
    {
        using var data = SmallSprites(64, seed: 8);
        using var model = VariationalAutoencoder.CreateMlp([1, 10, 10], latentSize: 2, hiddenSizes: [8]);
        using var trainer = new Trainer(model, new TrainerOptions { Device = ComputeDevice.Cpu });

        FluentActions.Invoking(() => trainer.Fit(data))
            .Should().Throw<ArgumentException>().WithMessage("*training*[1, 12, 12]*[1, 10, 10]*");
    }

    [Fact]
    public void Divergence_names_the_first_minibatch_whose_loss_was_not_finite()
    {
        using var scope = NewDisposeScope();
        using var broken = new TensorDataset(full(48, 4, float.NaN));
        using var model = VariationalAutoencoder.CreateMlp([4], latentSize: 2, hiddenSizes: [8]);
        using var trainer = new Trainer(model, new TrainerOptions { Epochs = 2, BatchSize = 16, Device = ComputeDevice.Cpu });

        FluentActions.Invoking(() => trainer.Fit(broken))
            .Should().Throw<InvalidOperationException>().WithMessage("Training diverged in epoch 1 (first at minibatch 1):*");
    }

    [Fact]
    public void A_validation_set_with_nan_stops_training_with_a_message()
    {
        using var scope = NewDisposeScope();
        using var training = new TensorDataset(rand(64, 4));
        Tensor broken = rand(16, 4);
        broken[3, 1] = tensor(float.NaN);
        using var validation = new TensorDataset(broken);
        using var model = VariationalAutoencoder.CreateMlp([4], latentSize: 2, hiddenSizes: [8]);
        using var trainer = new Trainer(model, new TrainerOptions { Epochs = 3, BatchSize = 16, Device = ComputeDevice.Cpu });

        FluentActions.Invoking(() => trainer.Fit(training, validation))
            .Should().Throw<InvalidOperationException>().WithMessage("*validation loss after epoch 1 is NaN*");
    }

    [Fact]
    public void Asking_for_cuda_where_there_is_none_is_a_clear_error()
    {
        if (cuda.is_available())
        {
            return;
        }

        using var model = VariationalAutoencoder.CreateMlp([4], latentSize: 2, hiddenSizes: [8]);

        FluentActions.Invoking(() => new Trainer(model, new TrainerOptions { Device = ComputeDevice.Cuda }))
            .Should().Throw<InvalidOperationException>().WithMessage("*CUDA was requested but is not available*TorchBackend=cuda*");
    }

    [Fact]
    public void Auto_uses_the_cpu_where_there_is_no_cuda()
    {
        ComputeDevice.Auto.ToTorchDevice().type.Should().Be(cuda.is_available() ? DeviceType.CUDA : DeviceType.CPU);
    }

    [Fact]
    public void Bad_options_are_rejected_when_set_and_name_the_option()
    {
        FluentActions.Invoking(() => new TrainerOptions { BatchSize = 0 })
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("BatchSize");
        FluentActions.Invoking(() => new TrainerOptions { LearningRate = -1e-3 })
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("LearningRate");
        FluentActions.Invoking(() => new TrainerOptions { LearningRate = double.NaN })
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("LearningRate");
        FluentActions.Invoking(() => new TrainerOptions { Epochs = 0 })
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("Epochs");
        FluentActions.Invoking(() => new TrainerOptions { Beta = -1 })
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("Beta");
        FluentActions.Invoking(() => new TrainerOptions { SamplesPerItem = 0 })
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("SamplesPerItem");
        FluentActions.Invoking(() => VariationalAutoencoder.CreateMlp([4], latentSize: 0))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("LatentSize");
    }

    private static SpritesDataset SmallSprites(int count, int seed) =>
        SpritesDataset.Generate(new SpritesOptions { Count = count, ImageSize = 12, Seed = seed });

    private static double[] TrainLosses(SpritesDataset data, ulong seed, int globalDraws)
    {
        manual_seed(1);
        using var model = VariationalAutoencoder.CreateMlp(data.ItemShape, latentSize: 3, hiddenSizes: [16]);

        // Move the global generator on: only the trainer's own seeded generators may decide shuffling and ε.
        using (var scope = NewDisposeScope())
        {
            _ = rand(globalDraws + 1);
        }

        using var trainer = new Trainer(model, new TrainerOptions { Epochs = 3, BatchSize = 32, Device = ComputeDevice.Cpu, Seed = seed });
        return trainer.Fit(data).Epochs.Select(report => report.TrainLoss).ToArray();
    }

    private sealed class LiveTensorCountingDataset(IDataset inner) : IDataset
    {
        public List<long> LiveCounts { get; } = [];

        public long Count => inner.Count;

        public IReadOnlyList<long> ItemShape => inner.ItemShape;

        public Tensor GetBatch(Tensor indices)
        {
            LiveCounts.Add(DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount);
            return inner.GetBatch(indices);
        }
    }

    /// <summary>What a user would write: one class, a conv layer with a residual connection, then a dense layer.</summary>
    private sealed class TinyResidualEncoder : Encoder
    {
        private readonly nn.Module<Tensor, Tensor> stem;
        private readonly nn.Module<Tensor, Tensor> block;
        private readonly nn.Module<Tensor, Tensor> head;

        public TinyResidualEncoder(IReadOnlyList<long> inputShape)
            : base(nameof(TinyResidualEncoder), inputShape, outputSize: 24)
        {
            stem = nn.Conv2d(inputShape[0], 8, kernel_size: 3, padding: 1);
            block = nn.Conv2d(8, 8, kernel_size: 3, padding: 1);
            head = nn.Linear(8 * inputShape[1] * inputShape[2], 24);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            Tensor features = nn.functional.relu(stem.call(input));
            features = nn.functional.relu(features + block.call(features));
            return nn.functional.relu(head.call(features.flatten(1)));
        }
    }
}
