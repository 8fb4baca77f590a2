using VaeLib.Data;
using static TorchSharp.torch;

namespace VaeLib.Evaluation;

/// <summary>
/// Principal component analysis fitted on a data set: the mean m and the k leading eigenvectors U (rows of
/// <see cref="Components"/>) of the covariance Σ = (1/N) Σ_n (x_n − m)(x_n − m)ᵀ. It projects items to scores
/// s = U(x − m) and reconstructs them as m + Uᵀs, the best rank-k linear reconstruction in squared error: on the data
/// it was fitted on, the mean squared error per item is the sum of the discarded eigenvalues of Σ.
/// </summary>
/// <remarks>
/// The covariance is accumulated batch by batch (float32 products of each batch, summed in float64) and diagonalized in float64, so memory grows with D², not N; items
/// are flattened to vectors of D ≤ <see cref="MaxDimension"/> values. Each component's sign is fixed so that its largest
/// loading is positive.
/// </remarks>
public sealed class PrincipalComponentModel : IDisposable
{
    /// <summary>The largest item size (values per item) a model can be fitted to: its covariance holds D² doubles.</summary>
    public const int MaxDimension = 8192;

    private PrincipalComponentModel(IReadOnlyList<long> itemShape, Tensor mean, Tensor components, double[] eigenvalues)
    {
        ItemShape = itemShape;
        Mean = mean;
        Components = components;
        Eigenvalues = eigenvalues;
        ComponentCount = (int)components.size(0);
    }

    /// <summary>Shape of one item, without the batch dimension.</summary>
    public IReadOnlyList<long> ItemShape { get; }

    /// <summary>The mean item m, flattened, <c>[D]</c>, float32 on the CPU.</summary>
    public Tensor Mean { get; }

    /// <summary>The k leading eigenvectors U as rows, <c>[k, D]</c>, by decreasing eigenvalue, float32 on the CPU.</summary>
    public Tensor Components { get; }

    /// <summary>Number of components k.</summary>
    public int ComponentCount { get; }

    /// <summary>All D eigenvalues of the covariance, in decreasing order (the variance along each component).</summary>
    public IReadOnlyList<double> Eigenvalues { get; }

    /// <summary>The variance the kept components leave out: the sum of the discarded eigenvalues.</summary>
    public double DiscardedVariance => Eigenvalues.Skip(ComponentCount).Sum();

    /// <summary>Fits the model to the rows of a tensor.</summary>
    /// <param name="items">Items <c>[N, *S]</c>, finite.</param>
    /// <param name="components">How many components, 1 ≤ k ≤ D.</param>
    /// <returns>The fitted model; the caller disposes it.</returns>
    public static PrincipalComponentModel Fit(Tensor items, int components)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.dim() < 2 || items.size(0) == 0)
        {
            throw new ArgumentException($"Expected items [N, *S] with N > 0; found {Shapes.Format(Shapes.Of(items))}.", nameof(items));
        }

        using var data = new TensorDataset(items.to_type(ScalarType.Float32));
        return Fit(data, components);
    }

    /// <summary>Fits the model to every item of a data set, batch by batch.</summary>
    /// <param name="data">The items.</param>
    /// <param name="components">How many components, 1 ≤ k ≤ D.</param>
    /// <param name="batchSize">Items per batch.</param>
    /// <returns>The fitted model; the caller disposes it.</returns>
    /// <exception cref="ArgumentException">k is outside [1, D], D is above <see cref="MaxDimension"/>, or an item holds NaN or infinity.</exception>
    public static PrincipalComponentModel Fit(IDataset data, int components, int batchSize = 1000)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        long dimension = Shapes.ElementCount(data.ItemShape);
        if (components < 1 || components > dimension)
        {
            throw new ArgumentException($"The number of components must be between 1 and the item size {dimension}; found {components}.", nameof(components));
        }

        if (dimension > MaxDimension)
        {
            throw new ArgumentException($"Items of {dimension} values are too large for a covariance-based PCA (at most {MaxDimension}).", nameof(data));
        }

        if (data.Count == 0)
        {
            throw new ArgumentException("The data set is empty.", nameof(data));
        }

        using var scope = NewDisposeScope();
        Tensor sum = zeros(dimension, dtype: ScalarType.Float64);
        Tensor products = zeros([dimension, dimension], dtype: ScalarType.Float64);
        Tensor? shift = null;
        long start = 0;
        foreach (Tensor batch in DatasetBatches.Of(data, batchSize))
        {
            using var batchScope = NewDisposeScope();
            long length = batch.size(0);
            Tensor rows = batch.cpu().reshape(length, dimension).to_type(ScalarType.Float32);
            if (!rows.isfinite().all().item<bool>())
            {
                throw new ArgumentException($"An item in [{start}, {start + length}) holds NaN or infinite values.", nameof(data));
            }

            // Each batch's products are taken in float32 (several times faster than float64 on a CPU) about the first
            // batch's mean, which keeps them small, so little precision is lost; they are summed in float64.
            shift ??= rows.mean([0]).MoveToOuterDisposeScope();
            Tensor centred = rows - shift;
            sum.add_(centred.sum(0L).to_type(ScalarType.Float64)); // 0L: a literal 0 converts to ScalarType and would pick sum(ScalarType), the sum of all values
            products.add_(centred.t().matmul(centred).to_type(ScalarType.Float64));
            start += length;
        }

        Tensor offset = sum / data.Count;
        Tensor covariance = (products / data.Count) - offset.outer(offset);
        Tensor mean = shift!.to_type(ScalarType.Float64) + offset;
        var (values, vectors) = linalg.eigh((covariance + covariance.t()) / 2);
        // eigh sorts ascending; the leading components are the last columns.
        Tensor order = arange(dimension - 1, -1, -1, dtype: ScalarType.Int64);
        double[] eigenvalues = values.index_select(0, order).clamp_min(0).data<double>().ToArray();
        Tensor leading = vectors.index_select(1, order.narrow(0, 0, components)).t();
        // An eigenvector's sign is arbitrary; fix it (largest loading positive) so the same data give the same scores.
        Tensor signs = leading.gather(1, leading.abs().argmax(1, keepdim: true)).sign();
        leading = (leading * where(signs.eq(0), ones_like(signs), signs)).contiguous().to_type(ScalarType.Float32);
        return new PrincipalComponentModel(
            data.ItemShape.ToArray(),
            mean.to_type(ScalarType.Float32).DetachFromDisposeScope(),
            leading.DetachFromDisposeScope(),
            eigenvalues);
    }

    /// <summary>Projects items onto the components.</summary>
    /// <param name="items">Items <c>[N, *ItemShape]</c>.</param>
    /// <returns>Scores <c>[N, k]</c>, float32 on the CPU.</returns>
    public Tensor Transform(Tensor items)
    {
        Tensor rows = Flatten(items);
        using var scope = NewDisposeScope();
        return (rows - Mean).matmul(Components.t()).MoveToOuterDisposeScope();
    }

    /// <summary>Projects every item of a data set onto the components, batch by batch.</summary>
    /// <param name="data">Items of the model's item shape.</param>
    /// <param name="batchSize">Items per batch.</param>
    /// <returns>Scores <c>[N, k]</c>, float32 on the CPU.</returns>
    public Tensor Transform(IDataset data, int batchSize = 1000)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        using var scope = NewDisposeScope();
        Tensor scores = empty(data.Count, ComponentCount);
        long start = 0;
        foreach (Tensor batch in DatasetBatches.Of(data, batchSize))
        {
            using var batchScope = NewDisposeScope();
            scores.narrow(0, start, batch.size(0)).copy_(Transform(batch));
            start += batch.size(0);
        }

        return scores.MoveToOuterDisposeScope();
    }

    /// <summary>Reconstructs items from their scores: m + Uᵀ U (x − m).</summary>
    /// <param name="items">Items <c>[N, *ItemShape]</c>.</param>
    /// <returns>Reconstructions of the same shape, float32 on the CPU.</returns>
    public Tensor Reconstruct(Tensor items)
    {
        using var scope = NewDisposeScope();
        Tensor scores = Transform(items);
        return (scores.matmul(Components) + Mean).reshape([scores.size(0), .. ItemShape]).MoveToOuterDisposeScope();
    }

    /// <summary>The mean over items of ‖x − x̂‖², the squared error summed over each item's values.</summary>
    /// <param name="data">Items of the model's item shape.</param>
    /// <param name="batchSize">Items per batch.</param>
    /// <returns>The mean squared reconstruction error per item.</returns>
    public double ReconstructionError(IDataset data, int batchSize = 1000)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        return DatasetBatches.MeanSquaredError(data, batchSize, Reconstruct);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Mean.Dispose();
        Components.Dispose();
    }

    private Tensor Flatten(Tensor items)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.dim() != ItemShape.Count + 1 || !Shapes.Of(items).Skip(1).SequenceEqual(ItemShape))
        {
            throw new ArgumentException($"Expected items of shape [N, {string.Join(", ", ItemShape)}]; found {Shapes.Format(Shapes.Of(items))}.", nameof(items));
        }

        return items.cpu().to_type(ScalarType.Float32).reshape(items.size(0), -1);
    }
}
