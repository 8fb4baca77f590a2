using TorchSharp;
using VaeLib.Imputation;
using static TorchSharp.torch;

namespace VaeLib.Tests.Imputation;

public class ImputationMasksTests
{
    [Fact]
    public void Region_masks_hide_the_named_pixels_of_every_channel()
    {
        using var scope = NewDisposeScope();
        long[] shape = [3, 4, 6];

        Tensor bottom = ImputationMasks.BottomHalf(shape);
        Tensor right = ImputationMasks.RightHalf(shape);
        Tensor center = ImputationMasks.Center(shape);

        Shapes.Of(bottom).Should().Equal(shape);
        bottom[.., ..2, ..].all().item<bool>().Should().BeTrue();
        bottom[.., 2.., ..].any().item<bool>().Should().BeFalse();
        right[.., .., ..3].all().item<bool>().Should().BeTrue();
        right[.., .., 3..].any().item<bool>().Should().BeFalse();

        // Side min(4, 6) / 2 = 2, rows 1–2 and columns 2–3.
        center.logical_not().sum().item<long>().Should().Be(3 * 2 * 2);
        center[.., 1..3, 2..4].any().item<bool>().Should().BeFalse();
    }

    [Fact]
    public void A_random_mask_hides_about_the_asked_fraction_and_refuses_impossible_ones()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(2);

        Tensor mask = ImputationMasks.Random([100, 1, 10, 10], 0.3, generator);

        mask.logical_not().to_type(ScalarType.Float32).mean().item<float>().Should().BeApproximately(0.3f, 0.01f);
        FluentActions.Invoking(() => ImputationMasks.Random([4], 1.0)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => ImputationMasks.BottomHalf([4])).Should().Throw<ArgumentException>();
    }
}
