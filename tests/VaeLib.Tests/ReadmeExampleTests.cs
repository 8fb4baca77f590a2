using VaeLib.Data;
using VaeLib.Training;

namespace VaeLib.Tests;

/// <summary>The README's usage example, with smaller numbers, so it keeps compiling and running.</summary>
public class ReadmeExampleTests
{
    [Fact]
    public void The_readme_example_trains_samples_and_encodes()
    {
        using var data = SpritesDataset.Generate(new SpritesOptions { Count = 256 });
        var model = VariationalAutoencoder.CreateMlp(data.ItemShape, latentSize: 8);
        using var trainer = new Trainer(model, new TrainerOptions { Epochs = 1, Device = ComputeDevice.Auto });
        TrainingHistory history = trainer.Fit(data);

        var newImages = model.Sample(16);
        var codes = model.Encode(data.GetBatch(TorchSharp.torch.arange(10L))).Mean;

        history.Epochs.Should().ContainSingle();
        newImages.shape.Should().Equal(16, 1, 28, 28);
        codes.shape.Should().Equal(10, 8);
        model.Dispose();
    }
}
