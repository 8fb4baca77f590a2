using VaeLib.Data;
using static TorchSharp.torch;

namespace VaeLib.Tests.Data;

public class ImageDatasetTests
{
    private static readonly string[] Names = ["dark", "light"];

    private static ImageDataset Make(params byte[] pixels)
    {
        using var scope = NewDisposeScope();
        return new ImageDataset(tensor(pixels, [pixels.Length / 4, 1, 2, 2], ScalarType.Byte), Enumerable.Range(0, pixels.Length / 4).Select(i => i % 2).ToArray(), Names);
    }

    [Fact]
    public void Batches_are_bytes_over_255_as_float32_and_static_binarization_thresholds_at_one_half()
    {
        using var scope = NewDisposeScope();
        using ImageDataset data = Make(0, 127, 128, 255, 51, 51, 51, 51);
        using ImageDataset binary = data.WithBinarization(Binarization.Static);

        Tensor batch = data.GetBatch(tensor(new long[] { 0 }));
        Tensor binarized = binary.GetBatch(tensor(new long[] { 0, 1 }));

        data.ItemShape.Should().Equal(1, 2, 2);
        data.Labels.Should().Equal(0, 1);
        batch.dtype.Should().Be(ScalarType.Float32);
        batch.data<float>().ToArray().Should().Equal(new[] { 0f, 127 / 255f, 128 / 255f, 1f }, (a, b) => Math.Abs(a - b) < 1e-6);
        binarized.dtype.Should().Be(ScalarType.Float32);
        binarized.data<float>().ToArray().Should().Equal(0, 0, 1, 1, 0, 0, 0, 0);
    }

    [Fact]
    public void Dynamic_binarization_draws_bernoulli_pixels_that_repeat_with_the_seed()
    {
        using var scope = NewDisposeScope();
        var pixels = Enumerable.Repeat((byte)51, 4 * 500).ToArray(); // intensity 0.2
        using ImageDataset data = Make(pixels);
        using ImageDataset first = data.WithBinarization(Binarization.Dynamic, seed: 7);
        using ImageDataset again = data.WithBinarization(Binarization.Dynamic, seed: 7);
        using ImageDataset other = data.WithBinarization(Binarization.Dynamic, seed: 8);
        Tensor all = arange(500L);

        Tensor a1 = first.GetBatch(all);
        Tensor a2 = first.GetBatch(all);
        Tensor b1 = again.GetBatch(all);

        (a1.eq(0) | a1.eq(1)).all().item<bool>().Should().BeTrue();
        a1.mean().item<float>().Should().BeApproximately(0.2f, 0.03f);
        a1.allclose(b1, rtol: 0, atol: 0).Should().BeTrue("the same seed gives the same first batch");
        a1.allclose(a2, rtol: 0, atol: 0).Should().BeFalse("each batch draws afresh");
        a1.allclose(other.GetBatch(all), rtol: 0, atol: 0).Should().BeFalse();
        first.Seed.Should().Be(7);
        data.Binarization.Should().Be(Binarization.None);
    }

    [Fact]
    public void Views_share_the_bytes_and_disposing_one_leaves_the_other_usable()
    {
        using var scope = NewDisposeScope();
        using ImageDataset data = Make(10, 20, 30, 40);
        ImageDataset view = data.WithBinarization(Binarization.Static);
        view.Dispose();

        data.GetBatch(tensor(new long[] { 0 })).mul(255).round().data<float>().ToArray().Should().Equal(10, 20, 30, 40);
    }

    [Fact]
    public void Subset_copies_the_chosen_items_with_their_labels()
    {
        using var scope = NewDisposeScope();
        using ImageDataset data = Make(0, 0, 0, 0, 255, 255, 255, 255, 51, 51, 51, 51);
        using ImageDataset subset = data.Subset(tensor(new long[] { 2, 1 }));

        subset.Count.Should().Be(2);
        subset.Labels.Should().Equal(0, 1);
        subset.LabelNames.Should().Equal(Names);
        subset.GetBatch(arange(2L)).data<float>().ToArray().Should().Equal(new[] { 0.2f, 0.2f, 0.2f, 0.2f, 1, 1, 1, 1 }, (a, b) => Math.Abs(a - b) < 1e-6);
    }

    [Fact]
    public void Invalid_tensors_and_labels_are_rejected()
    {
        using var scope = NewDisposeScope();

        FluentActions.Invoking(() => new ImageDataset(zeros([2, 2, 2], ScalarType.Byte), [0, 0], Names))
            .Should().Throw<ArgumentException>().WithMessage("*uint8 tensor [N, C, H, W]*[2, 2, 2]*").Which.ParamName.Should().Be("images");
        FluentActions.Invoking(() => new ImageDataset(zeros([2, 1, 2, 2]), [0, 0], Names))
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be("images");
        FluentActions.Invoking(() => new ImageDataset(zeros([2, 1, 2, 2], ScalarType.Byte), [0], Names))
            .Should().Throw<ArgumentException>().WithMessage("*2 images but 1 labels*").Which.ParamName.Should().Be("labels");
        FluentActions.Invoking(() => new ImageDataset(zeros([2, 1, 2, 2], ScalarType.Byte), [0, 2], Names))
            .Should().Throw<ArgumentException>().WithMessage("*Label 2 of item 1*").Which.ParamName.Should().Be("labels");
    }
}
