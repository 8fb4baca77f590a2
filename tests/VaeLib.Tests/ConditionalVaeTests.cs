using TorchSharp;
using VaeLib.Data;
using VaeLib.Persistence;
using VaeLib.Training;
using static TorchSharp.torch;

namespace VaeLib.Tests;

[Collection(GlobalRandomStateCollection.Name)]
public class ConditionalVaeTests
{
    [Fact]
    public void A_conditional_model_appends_the_condition_to_the_encoder_features_and_to_z()
    {
        using var scope = NewDisposeScope();
        using var model = VariationalAutoencoder.CreateMlp([6], latentSize: 2, hiddenSizes: [8], conditionSize: 3);

        model.IsConditional.Should().BeTrue();
        model.ConditionSize.Should().Be(3);
        model.LatentSize.Should().Be(2);
        model.Latent.FeatureSize.Should().Be(8 + 3);
        model.Decoder.LatentSize.Should().Be(2 + 3);

        Tensor x = rand(4, 6);
        Tensor c = ConditionedDataset.OneHot([0, 1, 2, 1], 3);
        VaeOutput output = model.Forward(x, c, 5, null);
        output.Z.shape.Should().Equal(5, 4, 2);
        output.DecoderOutput.shape.Should().Equal(5, 4, 6);

        // The decoder sees the condition: the same z with other labels decodes differently.
        Tensor z = zeros(3, 2);
        Tensor decoded = model.Decode(z, ConditionedDataset.OneHot([0, 1, 2], 3));
        decoded[0].allclose(decoded[1]).Should().BeFalse();
        model.Sample(ConditionedDataset.OneHot([2, 2], 3)).shape.Should().Equal(2, 6);
    }

    [Fact]
    public void Missing_unexpected_or_misshapen_conditions_are_clear_errors()
    {
        using var scope = NewDisposeScope();
        using var conditional = VariationalAutoencoder.CreateMlp([6], latentSize: 2, hiddenSizes: [8], conditionSize: 3);
        using var plain = VariationalAutoencoder.CreateMlp([6], latentSize: 2, hiddenSizes: [8]);
        Tensor x = rand(4, 6);

        FluentActions.Invoking(() => conditional.Encode(x)).Should().Throw<ArgumentException>().WithMessage("*conditional on 3 values*");
        FluentActions.Invoking(() => conditional.Encode(x, zeros(4, 2))).Should().Throw<ArgumentException>().WithMessage("*[4, 3]*[4, 2]*");
        FluentActions.Invoking(() => conditional.Sample(4)).Should().Throw<InvalidOperationException>().WithMessage("*conditional*");
        FluentActions.Invoking(() => plain.Encode(x, zeros(4, 3))).Should().Throw<ArgumentException>().WithMessage("*not conditional*");
        FluentActions.Invoking(() => ConditionedDataset.OneHot([0, 3], 3)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*Label 3 of item 1*");
    }

    [Fact]
    public void The_trainer_refuses_data_without_conditions_for_a_conditional_model()
    {
        using var scope = NewDisposeScope();
        using var model = VariationalAutoencoder.CreateMlp([6], latentSize: 2, hiddenSizes: [8], conditionSize: 3);
        using var data = new TensorDataset(rand(10, 6));
        using var trainer = new Trainer(model, new TrainerOptions { Epochs = 1, Device = ComputeDevice.Cpu });

        FluentActions.Invoking(() => trainer.Fit(data)).Should().Throw<ArgumentException>().WithMessage("*conditional on 3 values*no conditions*ConditionedDataset*");
    }

    [Fact]
    public void A_trained_conditional_model_generates_the_class_it_is_given()
    {
        using var scope = NewDisposeScope();
        manual_seed(21);
        // Three fixed binary patterns, one per class; each item is its class's pattern with 10 % of the bits flipped.
        using var generator = new Generator(9);
        Tensor patterns = rand([3, 24], generator: generator).gt(0.5).to_type(ScalarType.Float32);
        int[] labels = Enumerable.Range(0, 600).Select(i => i % 3).ToArray();
        Tensor clean = patterns.index_select(0, tensor(labels.Select(l => (long)l).ToArray()));
        Tensor flips = rand([600, 24], generator: generator).lt(0.1).to_type(ScalarType.Float32);
        Tensor items = (clean - flips).abs();
        using var dataset = new ConditionedDataset(new TensorDataset(items), ConditionedDataset.OneHot(labels, 3));
        using var model = VariationalAutoencoder.CreateMlp([24], latentSize: 2, hiddenSizes: [32], conditionSize: 3);
        using (var trainer = new Trainer(model, new TrainerOptions { Epochs = 40, BatchSize = 60, LearningRate = 5e-3, Device = ComputeDevice.Cpu, Seed = 2 }))
        {
            trainer.Fit(dataset);
        }

        model.eval();
        using var sampling = new Generator(4);
        int[] asked = Enumerable.Range(0, 90).Select(i => i % 3).ToArray();
        Tensor generated = model.Sample(ConditionedDataset.OneHot(asked, 3), sampling).gt(0.5).to_type(ScalarType.Float32);
        // The nearest pattern (Hamming distance) of each generated item is the class it was asked for.
        Tensor distances = (generated.unsqueeze(1) - patterns.unsqueeze(0)).abs().sum(2);
        long[] nearest = distances.argmin(1).data<long>().ToArray();
        nearest.Zip(asked, (n, a) => n == a).Count(match => match).Should().Be(90);
    }

    [Fact]
    public void A_conditional_model_saves_and_loads_with_its_condition_size()
    {
        using var scope = NewDisposeScope();
        string folder = Directory.CreateTempSubdirectory("vae-cvae-").FullName;
        try
        {
            var architecture = new VaeArchitecture { InputShape = [6], HiddenSizes = [8], LatentSize = 2, ConditionSize = 4 };
            using VariationalAutoencoder model = architecture.Build();
            new SavedModel(model, architecture, new Dictionary<string, string>()).Save(folder);

            using SavedModel loaded = SavedModel.Load(folder);
            loaded.Model.ConditionSize.Should().Be(4);
            Tensor x = rand(3, 6);
            Tensor c = ConditionedDataset.OneHot([0, 3, 1], 4);
            model.eval();
            loaded.Model.eval();
            loaded.Model.Reconstruct(x, c).allclose(model.Reconstruct(x, c)).Should().BeTrue();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
