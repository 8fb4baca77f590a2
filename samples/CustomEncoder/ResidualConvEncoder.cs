using TorchSharp;
using VaeLib.Modules;
using static TorchSharp.torch;

/// <summary>
/// A user-written encoder: a small residual convolutional network. It is all a custom encoder needs — its layers,
/// <c>forward</c>, and the number of features it returns; VaeLib adds the μ and log σ² heads after it.
/// </summary>
/// <remarks>
/// [C, H, W] → 3×3 stem (width w) → residual block → stride-2 conv (2w) → residual block → flatten → w·4 features.
/// Each residual block is x + conv(relu(conv(x))), so gradients reach the stem directly. The map is flattened rather
/// than pooled because where a shape sits in the image is part of what the code must describe.
/// </remarks>
internal sealed class ResidualConvEncoder : Encoder
{
    private readonly nn.Module<Tensor, Tensor> stem;
    private readonly ResidualBlock first;
    private readonly nn.Module<Tensor, Tensor> downsample;
    private readonly ResidualBlock second;
    private readonly nn.Module<Tensor, Tensor> features;

    public ResidualConvEncoder(IReadOnlyList<long> inputShape, int width)
        : base(nameof(ResidualConvEncoder), inputShape, outputSize: 4L * width)
    {
        stem = nn.Conv2d(inputShape[0], width, kernel_size: 3, padding: 1);
        first = new ResidualBlock(width);
        downsample = nn.Conv2d(width, 2 * width, kernel_size: 3, stride: 2, padding: 1);
        second = new ResidualBlock(2 * width);
        long height = ((inputShape[1] - 1) / 2) + 1;
        long widthAfter = ((inputShape[2] - 1) / 2) + 1;
        features = nn.Linear(2 * width * height * widthAfter, 4 * width);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor x = first.call(nn.functional.relu(stem.call(input)));
        x = second.call(nn.functional.relu(downsample.call(x)));
        return nn.functional.relu(features.call(x.flatten(1))).MoveToOuterDisposeScope();
    }

    private sealed class ResidualBlock : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> inner;
        private readonly nn.Module<Tensor, Tensor> outer;

        public ResidualBlock(int channels)
            : base(nameof(ResidualBlock))
        {
            inner = nn.Conv2d(channels, channels, kernel_size: 3, padding: 1);
            outer = nn.Conv2d(channels, channels, kernel_size: 3, padding: 1);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) =>
            nn.functional.relu(input + outer.call(nn.functional.relu(inner.call(input))));
    }
}
