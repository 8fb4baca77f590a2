using VaeLib.Data;
using static TorchSharp.torch;

namespace VaeLib.Tests.Training;

/// <summary>Wraps a data set and cancels a token when a given minibatch is requested, to stop training mid-epoch.</summary>
internal sealed class CancellingDataset(IDataset inner, int cancelOnCall, CancellationTokenSource cancellation) : IDataset
{
    /// <summary>How many minibatches were requested.</summary>
    public int Calls { get; private set; }

    public long Count => inner.Count;

    public IReadOnlyList<long> ItemShape => inner.ItemShape;

    public Tensor GetBatch(Tensor indices)
    {
        if (++Calls == cancelOnCall)
        {
            cancellation.Cancel();
        }

        return inner.GetBatch(indices);
    }
}
