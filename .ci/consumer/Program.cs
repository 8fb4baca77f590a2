// Uses VaeLib as a package with a custom encoder, trains one epoch, and fails unless the loss is finite.
using TorchSharp;
using VaeLib;
using VaeLib.Data;
using VaeLib.Likelihoods;
using VaeLib.Modules;
using VaeLib.Training;
using static TorchSharp.torch;

using var data = SpritesDataset.Generate(new SpritesOptions { Count = 512, ImageSize = 16 });
var decoder = new MlpDecoder(new MlpDecoderOptions { LatentSize = 4, OutputShape = data.ItemShape, HiddenSizes = [64] });
using var model = new VariationalAutoencoder(new SmallConvEncoder(data.ItemShape), decoder, new BernoulliLikelihood());
using var trainer = new Trainer(model, new TrainerOptions { Epochs = 1, BatchSize = 64 });
double loss = trainer.Fit(data).Epochs[0].TrainLoss;
Console.WriteLine($"consumer: one epoch with a custom encoder, loss {loss:F2}");
return double.IsFinite(loss) ? 0 : 1;

internal sealed class SmallConvEncoder : Encoder
{
    private readonly nn.Module<Tensor, Tensor> convolution;
    private readonly nn.Module<Tensor, Tensor> dense;

    public SmallConvEncoder(IReadOnlyList<long> shape)
        : base(nameof(SmallConvEncoder), shape, outputSize: 32)
    {
        convolution = nn.Conv2d(shape[0], 8, kernel_size: 3, padding: 1);
        dense = nn.Linear(8 * shape[1] * shape[2], 32);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) =>
        nn.functional.relu(dense.call(nn.functional.relu(convolution.call(input)).flatten(1)));
}
