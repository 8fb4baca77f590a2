using VaeLib.Data;
using static TorchSharp.torch;

namespace VaeLib.Tests.Data;

public class TensorDatasetTests
{
    [Fact]
    public void Byte_items_are_scaled_to_the_unit_interval_per_batch()
    {
        using var scope = NewDisposeScope();
        using var data = new TensorDataset(tensor(new byte[] { 0, 51, 255, 102 }, [2, 2], ScalarType.Byte));

        Tensor batch = data.GetBatch(tensor(new long[] { 1, 0 }));

        batch.dtype.Should().Be(ScalarType.Float32);
        batch.data<float>().ToArray().Should().Equal(new[] { 1f, 0.4f, 0f, 0.2f }, (a, b) => Math.Abs(a - b) < 1e-6);
    }

    [Fact]
    public void Float_items_are_gathered_unchanged_and_outlive_the_callers_scope()
    {
        TensorDataset data;
        using (var scope = NewDisposeScope())
        {
            data = new TensorDataset(arange(6f).reshape(3, 2));
        }

        using (data)
        using (var scope = NewDisposeScope())
        {
            data.Count.Should().Be(3);
            data.ItemShape.Should().Equal(2);
            data.GetBatch(tensor(new long[] { 2 })).data<float>().ToArray().Should().Equal(4f, 5f);
        }
    }

    [Fact]
    public void Unsupported_tensors_are_rejected()
    {
        using var scope = NewDisposeScope();

        FluentActions.Invoking(() => new TensorDataset(zeros(5))).Should().Throw<ArgumentException>().WithMessage("*[N, *S]*[5]*");
        FluentActions.Invoking(() => new TensorDataset(zeros([2, 3], ScalarType.Int32))).Should().Throw<ArgumentException>().WithMessage("*float32 or uint8*");
    }
}
