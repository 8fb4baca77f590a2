using static TorchSharp.torch;

namespace VaeLib.Data;

/// <summary>A data set whose items each come with a condition vector, for training a conditional VAE.</summary>
public interface IConditionedDataset : IDataset
{
    /// <summary>Length C of each condition vector.</summary>
    int ConditionSize { get; }

    /// <summary>Gathers the conditions of the items at the given indices.</summary>
    /// <param name="indices">Int64 indices, shape <c>[B]</c>, each in [0, Count).</param>
    /// <returns>A new float32 tensor <c>[B, C]</c>; the caller owns it.</returns>
    Tensor GetConditions(Tensor indices);
}
