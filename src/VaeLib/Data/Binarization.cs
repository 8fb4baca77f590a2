namespace VaeLib.Data;

/// <summary>How an <see cref="ImageDataset"/> turns grey levels into the batches it returns.</summary>
public enum Binarization
{
    /// <summary>Intensities in [0, 1]: each byte divided by 255.</summary>
    None,

    /// <summary>1 where the intensity is above 0.5, else 0; the same for every batch.</summary>
    Static,

    /// <summary>
    /// Each batch draws every pixel as 1 with probability equal to its intensity (x ~ Bernoulli(intensity)), from a
    /// generator the data set owns and seeds, so a training run that asks for the same batches sees the same draws.
    /// </summary>
    Dynamic,
}
