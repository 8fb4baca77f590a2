using VaeLib.Data;
using static TorchSharp.torch;

namespace VaeLib.Tests.Data;

public class SpritesDatasetTests
{
    [Fact]
    public void The_same_seed_draws_the_same_images_and_another_seed_others()
    {
        using var scope = NewDisposeScope();
        using var first = SpritesDataset.Generate(new SpritesOptions { Count = 50, ImageSize = 16, Seed = 4 });
        using var second = SpritesDataset.Generate(new SpritesOptions { Count = 50, ImageSize = 16, Seed = 4 });
        using var other = SpritesDataset.Generate(new SpritesOptions { Count = 50, ImageSize = 16, Seed = 5 });
        Tensor all = arange(50L);

        first.GetBatch(all).allclose(second.GetBatch(all), rtol: 0, atol: 0).Should().BeTrue();
        first.GetBatch(all).allclose(other.GetBatch(all)).Should().BeFalse();
        first.Factors.Should().Equal(second.Factors);
    }

    [Fact]
    public void Images_are_binary_float_batches_of_the_requested_size_with_a_visible_shape()
    {
        using var scope = NewDisposeScope();
        using var sprites = SpritesDataset.Generate(new SpritesOptions { Count = 200, ImageSize = 20 });

        Tensor batch = sprites.GetBatch(arange(200L));

        sprites.ItemShape.Should().Equal(1, 20, 20);
        batch.dtype.Should().Be(ScalarType.Float32);
        batch.shape.Should().Equal(200, 1, 20, 20);
        (batch.eq(0) | batch.eq(1)).all().item<bool>().Should().BeTrue();
        float[] areas = batch.sum([1, 2, 3]).data<float>().ToArray();
        areas.Should().AllSatisfy(area => area.Should().BeGreaterThan(3, "every sprite is drawn inside the image"));
        areas.Should().AllSatisfy(area => area.Should().BeLessThan(0.5f * 400));
    }

    [Fact]
    public void Larger_scales_cover_more_pixels()
    {
        using var scope = NewDisposeScope();
        using var sprites = SpritesDataset.Generate(new SpritesOptions { Count = 600, ImageSize = 28 });
        float[] areas = sprites.GetBatch(arange(600L)).sum([1, 2, 3]).data<float>().ToArray();

        double Mean(Func<SpriteFactors, bool> select) =>
            Enumerable.Range(0, 600).Where(i => select(sprites.Factors[i])).Average(i => areas[i]);

        Mean(f => f.Scale == 1.0).Should().BeGreaterThan(2.5 * Mean(f => f.Scale == 0.5));
        sprites.Factors.Select(f => f.Shape).Distinct().Should().HaveCount(3);
    }

    [Fact]
    public void Invalid_options_name_the_option()
    {
        FluentActions.Invoking(() => new SpritesOptions { Count = 0 })
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("Count");
        FluentActions.Invoking(() => new SpritesOptions { ImageSize = 4 })
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("ImageSize");
    }
}
