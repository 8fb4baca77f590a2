using VaeLib.Data;
using static TorchSharp.torch;

namespace VaeLib.Tests.Data;

public class DatasetSubsetTests
{
    [Fact]
    public void Split_is_seeded_disjoint_complete_and_keeps_labels()
    {
        using var scope = NewDisposeScope();
        using var sprites = SpritesDataset.Generate(new SpritesOptions { Count = 100, ImageSize = 8 });

        var (train, test) = DatasetSubset.Split(sprites, 0.2, seed: 4);
        var (again, _) = DatasetSubset.Split(sprites, 0.2, seed: 4);

        train.Count.Should().Be(80);
        test.Count.Should().Be(20);
        train.LabelNames.Should().Equal(sprites.LabelNames);
        Tensor firstTrain = train.GetBatch(arange(80L));
        firstTrain.allclose(again.GetBatch(arange(80L)), rtol: 0, atol: 0).Should().BeTrue();

        // Every item lands in exactly one part: the summed images of both parts equal the whole set's.
        Tensor whole = sprites.GetBatch(arange(100L)).sum([0]);
        (firstTrain.sum([0]) + test.GetBatch(arange(20L)).sum([0])).allclose(whole, atol: 1e-3).Should().BeTrue();
        train.Labels.Concat(test.Labels).Order().Should().Equal(sprites.Labels.Order());
    }

    [Fact]
    public void Batches_map_through_the_subset_indices()
    {
        using var scope = NewDisposeScope();
        using var data = new TensorDataset(arange(10f).reshape(5, 2));
        var subset = new DatasetSubset(data, [4, 1]);

        subset.GetBatch(tensor(new long[] { 1, 0 })).data<float>().ToArray().Should().Equal(2f, 3f, 8f, 9f);
        subset.Labels.Should().BeEmpty();
    }

    [Fact]
    public void Bad_fractions_and_indices_are_rejected()
    {
        using var scope = NewDisposeScope();
        using var data = new TensorDataset(zeros(4, 2));

        FluentActions.Invoking(() => DatasetSubset.Split(data, 1.0, 1)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new DatasetSubset(data, [4])).Should().Throw<ArgumentException>().WithMessage("*[0, 4)*");
    }

    [Fact]
    public void WhereLabel_keeps_the_items_whose_label_passes_in_order_with_their_images()
    {
        using var scope = NewDisposeScope();
        Tensor images = arange(6 * 4, dtype: ScalarType.Byte).reshape(6, 1, 2, 2);
        using var data = new ImageDataset(images, [0, 1, 2, 1, 0, 1], ["a", "b", "c"]);

        DatasetSubset notB = DatasetSubset.WhereLabel(data, label => label != 1);

        notB.Count.Should().Be(3);
        notB.Labels.Should().Equal(0, 2, 0);
        notB.LabelNames.Should().Equal("a", "b", "c");
        notB.GetBatch(arange(3L)).allclose(data.GetBatch(tensor(new long[] { 0, 2, 4 })), rtol: 0, atol: 0).Should().BeTrue();
        FluentActions.Invoking(() => DatasetSubset.WhereLabel(data, label => label == 7)).Should().Throw<ArgumentException>()
            .WithMessage("No item of the 6*a, b, c*");
    }
}
