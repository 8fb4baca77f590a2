using System.Globalization;
using VaeLib.Data;
using VaeLib.Evaluation;
using VaeLib.Latent;
using static TorchSharp.torch;

namespace VaeLib.Explorer;

/// <summary>
/// A trained model and its test set, ready to be explored: the items' codes, their map, the dimensions ranked by use
/// and the anomaly list are computed once at start-up; decoding, sampling and interpolating run on demand.
/// </summary>
/// <remarks>
/// Safe for concurrent callers: the model is only read, and its forward passes are serialized by one asynchronous
/// lock, because TorchSharp modules are not documented as safe for concurrent calls. A caller waits for it without
/// holding a thread, and stops waiting when its <see cref="CancellationToken"/> is cancelled (a server passes the
/// request's, so a client that went away leaves the queue at once). Every call checks its arguments, and its results
/// before they are returned, and throws <see cref="ArgumentException"/> with a message that names what is wrong, so a
/// server can answer 400 with it: no NaN or infinity leaves the explorer. Results are plain arrays
/// (<see cref="ItemValues"/>): no tensor escapes, and pictures are encoded outside the lock.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Reliability",
    "CA1001:Types that own disposable fields should be disposable",
    Justification = "The SemaphoreSlim's AvailableWaitHandle is never read, so it holds no kernel handle to free; the explorer stays a plain object the caller need not dispose.")]
public sealed class LatentExplorer
{
    /// <summary>The largest number of items one call decodes (samples, interpolation frames).</summary>
    public const int MaxItemsPerCall = 256;

    // A semaphore rather than a Monitor lock: waiting for it neither blocks a thread nor ignores a cancelled request.
    private readonly SemaphoreSlim inference = new(1, 1);
    private readonly VariationalAutoencoder model;
    private readonly IDataset items;
    private readonly float[] means;
    private readonly float[] deviations;
    private readonly float[] principalX;
    private readonly float[] principalY;
    private readonly int latentSize;
    private readonly int itemSize;

    private LatentExplorer(VariationalAutoencoder model, ExplorerData data, LatentCodes codes, LatentExplorerOptions options)
    {
        this.model = model;
        items = data.Items;
        Source = data.Source;
        ItemShape = model.InputShape.ToArray();
        latentSize = (int)model.LatentSize;
        itemSize = (int)Shapes.ElementCount(ItemShape);
        means = codes.Mean.contiguous().data<float>().ToArray();
        using (Tensor sigma = codes.StandardDeviation())
        {
            deviations = sigma.contiguous().data<float>().ToArray();
        }

        KlPerDimension = LatentDiagnostics.Of(codes).KlPerDimension;
        DimensionsByUse = Enumerable.Range(0, latentSize).OrderByDescending(d => KlPerDimension[d]).ThenBy(d => d).ToArray();
        (principalX, principalY) = PrincipalPlane(codes.Mean);

        if (items is ILabeledDataset { LabelNames.Count: > 0 } labelled && labelled.Labels.Count == items.Count)
        {
            Labels = labelled.Labels;
            LabelNames = labelled.LabelNames;
        }

        Standardization = IsTable && data.Standardization?.Columns.Count == itemSize ? data.Standardization : null;
        ColumnNames = !IsTable ? [] : Standardization?.Columns ?? Enumerable.Range(1, itemSize).Select(c => $"x{c}").ToArray();

        double[] scores = new AnomalyScorer(model, options.AnomalyScoring).Score(items);
        Anomalies = Enumerable.Range(0, scores.Length)
            .OrderByDescending(i => scores[i]).ThenBy(i => i)
            .Take(options.AnomalyCount)
            .Select(i => new AnomalousItem(i, scores[i]))
            .ToArray();
    }

    /// <summary>The data source as the user named it.</summary>
    public string Source { get; }

    /// <summary>Shape of one item, e.g. <c>[1, 28, 28]</c>, or <c>[columns]</c> for a table.</summary>
    public IReadOnlyList<long> ItemShape { get; }

    /// <summary>True when the items are table rows (shown as values), false for images.</summary>
    public bool IsTable => ItemShape.Count == 1;

    /// <summary>Dimension of z.</summary>
    public int LatentSize => latentSize;

    /// <summary>Number of items explored.</summary>
    public long ItemCount => items.Count;

    /// <summary>Mean KL(q(z_d|x) ‖ N(0, 1)) over the items for each dimension d, in nats: how much the model uses d.</summary>
    public IReadOnlyList<double> KlPerDimension { get; }

    /// <summary>The latent dimensions ordered by <see cref="KlPerDimension"/>, most used first (ties by index).</summary>
    public IReadOnlyList<int> DimensionsByUse { get; }

    /// <summary>Each item's label as an index into <see cref="LabelNames"/>; null when the items have no labels.</summary>
    public IReadOnlyList<int>? Labels { get; }

    /// <summary>The label names; empty when the items have no labels.</summary>
    public IReadOnlyList<string> LabelNames { get; } = [];

    /// <summary>For a table, the name of each column (<c>x1</c>, <c>x2</c>, … when the file's names are not known); empty for images.</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>The items with the highest anomaly scores, highest first.</summary>
    public IReadOnlyList<AnomalousItem> Anomalies { get; }

    private CsvStandardization? Standardization { get; }

    /// <summary>
    /// Encodes every item, ranks the dimensions, projects the codes on their two leading principal components and
    /// scores the items for anomalies. Puts the model in evaluation mode and leaves it there.
    /// </summary>
    /// <param name="model">A trained unconditional model; it is only read from now on.</param>
    /// <param name="data">The items to explore, of the model's input shape, with finite values.</param>
    /// <param name="options">What to precompute; null for the defaults.</param>
    /// <returns>The explorer; it holds the model and the items, which the caller keeps alive and disposes afterwards.</returns>
    /// <exception cref="ArgumentException">The model is conditional, or the items do not fit it.</exception>
    public static LatentExplorer Create(VariationalAutoencoder model, ExplorerData data, LatentExplorerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(data.Items);
        if (model.IsConditional)
        {
            // A label chooser would need a condition on every request; until then, refuse rather than guess one.
            throw new ArgumentException(
                $"The explorer works on unconditional models; this one is conditional on {model.ConditionSize} values.", nameof(model));
        }

        model.eval();
        using LatentCodes codes = LatentCodes.Encode(model, data.Items);
        return new LatentExplorer(model, data, codes, options ?? new LatentExplorerOptions());
    }

    /// <summary>The posterior of one item, computed at start-up.</summary>
    /// <param name="index">The item's index, 0 ≤ index &lt; <see cref="ItemCount"/>.</param>
    /// <returns>Its μ and σ.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The index is out of range.</exception>
    public ItemCode Code(long index)
    {
        int item = CheckIndex(index);
        return new ItemCode(
            means.AsSpan(item * latentSize, latentSize).ToArray(),
            deviations.AsSpan(item * latentSize, latentSize).ToArray());
    }

    /// <summary>
    /// Encodes one input given as values in display units: for an image, pixel intensities in [0, 1] (as the items and
    /// the pictures hold them); for a table, a row in the file's units, any finite values whose standardization with
    /// the model's statistics is a finite float32 number.
    /// </summary>
    /// <param name="values">The item's values, row-major, as many as the item shape holds.</param>
    /// <param name="cancellationToken">Stops waiting for the model (e.g. the request was aborted).</param>
    /// <returns>Its μ and σ.</returns>
    /// <exception cref="ArgumentException">The count differs from the item size, a value is NaN, infinite or out of range (its index named), or the code comes out not finite.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled before the model was free.</exception>
    public async Task<ItemCode> EncodeAsync(IReadOnlyList<double> values, CancellationToken cancellationToken = default)
    {
        float[] input = CheckVector(values, itemSize, "x", "the item size");
        CheckInputRange(input);
        ToModelUnits(input);
        (float[] mean, float[] deviation) = await InferAsync(
            () =>
            {
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                GaussianPosterior posterior = model.Encode(tensor(input, [1, .. ItemShape]).to(model.Device));
                return (TensorValues.Floats(posterior.Mean), TensorValues.Floats(posterior.StandardDeviation));
            },
            cancellationToken).ConfigureAwait(false);
        CheckOutput(mean, "The mean μ of x's code", "x");
        CheckOutput(deviation, "The standard deviation σ of x's code", "x");
        return new ItemCode(mean, deviation);
    }

    /// <summary>Decodes latent codes to the mean of p(x|z), in display units.</summary>
    /// <param name="codes">One or more codes of <see cref="LatentSize"/> finite values (at most <see cref="MaxItemsPerCall"/>).</param>
    /// <param name="cancellationToken">Stops waiting for the model (e.g. the request was aborted).</param>
    /// <returns>One item per code.</returns>
    /// <exception cref="ArgumentException">No codes, too many, a code of the wrong length, a value that is NaN or infinite, or a code so far from the prior that its decoding is not finite.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled before the model was free.</exception>
    public Task<ItemValues> DecodeAsync(IReadOnlyList<IReadOnlyList<double>> codes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(codes);
        if (codes.Count is 0 or > MaxItemsPerCall)
        {
            throw new ArgumentException($"Expected 1 to {MaxItemsPerCall} latent codes; found {codes.Count}.", nameof(codes));
        }

        float[] flat = new float[codes.Count * latentSize];
        for (int row = 0; row < codes.Count; row++)
        {
            string name = codes.Count == 1 ? "z" : $"z[{row}]";
            CheckVector(codes[row], latentSize, name, "the latent size").CopyTo(flat, row * latentSize);
        }

        return DecodeFlatAsync(flat, codes.Count, "z", "z", cancellationToken);
    }

    /// <summary>An item as it is in the data set, in display units.</summary>
    /// <param name="index">The item's index, 0 ≤ index &lt; <see cref="ItemCount"/>.</param>
    /// <returns>The one item.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The index is out of range.</exception>
    public ItemValues Input(long index)
    {
        int item = CheckIndex(index);
        float[] values;
        using (var scope = NewDisposeScope())
        {
            values = TensorValues.Floats(items.GetBatch(tensor(new long[] { item })));
        }

        ToDisplayUnits(values);
        return new ItemValues(ItemShape, 1, values);
    }

    /// <summary>An item's reconstruction, the mean of p(x|z = μ(x)), in display units.</summary>
    /// <param name="index">The item's index, 0 ≤ index &lt; <see cref="ItemCount"/>.</param>
    /// <param name="cancellationToken">Stops waiting for the model (e.g. the request was aborted).</param>
    /// <returns>The one reconstructed item.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The index is out of range.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled before the model was free.</exception>
    public Task<ItemValues> ReconstructionAsync(long index, CancellationToken cancellationToken = default)
    {
        int item = CheckIndex(index);
        return DecodeFlatAsync(means.AsSpan(item * latentSize, latentSize).ToArray(), 1, $"item {item}'s μ", "index", cancellationToken);
    }

    /// <summary>Draws codes from the prior scaled by a temperature, z = τ·ε with ε ~ N(0, I), and decodes them.</summary>
    /// <param name="count">Number of samples, 1 to <see cref="MaxItemsPerCall"/>.</param>
    /// <param name="temperature">τ, in (0, 10]: below 1 stays near the prior's centre, above 1 strays.</param>
    /// <param name="seed">Seed of the draw: the same seed gives the same samples.</param>
    /// <param name="cancellationToken">Stops waiting for the model (e.g. the request was aborted).</param>
    /// <returns>The decoded samples.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The count or the temperature is out of range.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled before the model was free.</exception>
    public Task<ItemValues> SamplesAsync(int count, double temperature, ulong seed, CancellationToken cancellationToken = default)
    {
        if (count is < 1 or > MaxItemsPerCall)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"The sample count must be between 1 and {MaxItemsPerCall}.");
        }

        if (!(temperature > 0 && temperature <= 10))
        {
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "The temperature must be a number in (0, 10].");
        }

        float[] codes = PriorDraw(count, seed);
        for (int i = 0; i < codes.Length; i++)
        {
            codes[i] *= (float)temperature;
        }

        return DecodeFlatAsync(codes, count, "the samples", "temperature", cancellationToken);
    }

    /// <summary>One point drawn from the prior N(0, I), e.g. an end of an interpolation.</summary>
    /// <param name="seed">Seed of the draw.</param>
    /// <returns>The code, <see cref="LatentSize"/> values.</returns>
    public float[] PriorPoint(ulong seed) => PriorDraw(1, seed);

    /// <summary>Decodes the frames of a path between two codes (see <see cref="LatentPaths"/>).</summary>
    /// <param name="from">The first code, <see cref="LatentSize"/> finite values.</param>
    /// <param name="to">The last code.</param>
    /// <param name="steps">Frames, the ends included: 2 to 64.</param>
    /// <param name="spherical">True for the great-circle path (slerp), false for the straight line.</param>
    /// <param name="cancellationToken">Stops waiting for the model (e.g. the request was aborted).</param>
    /// <returns>The decoded frames, from first to last.</returns>
    /// <exception cref="ArgumentException">A code is of the wrong length or not finite, the step count is out of range, or a frame's decoding is not finite.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled before the model was free.</exception>
    public Task<ItemValues> InterpolateAsync(IReadOnlyList<double> from, IReadOnlyList<double> to, int steps, bool spherical, CancellationToken cancellationToken = default)
    {
        float[] start = CheckVector(from, latentSize, "from", "the latent size");
        float[] end = CheckVector(to, latentSize, "to", "the latent size");
        if (steps is < 2 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(steps), steps, "The number of steps must be between 2 and 64.");
        }

        float[] path;
        using (var scope = NewDisposeScope())
        {
            Tensor a = tensor(start);
            Tensor b = tensor(end);
            path = TensorValues.Floats(spherical ? LatentPaths.Spherical(a, b, steps) : LatentPaths.Linear(a, b, steps));
        }

        return DecodeFlatAsync(path, steps, "the path", "from", cancellationToken);
    }

    /// <summary>The items' codes μ in two dimensions.</summary>
    /// <param name="first">The latent dimension on the horizontal axis, or null for the leading principal components.</param>
    /// <param name="second">The latent dimension on the vertical axis (with <paramref name="first"/>), or null.</param>
    /// <returns>One point per item.</returns>
    /// <exception cref="ArgumentException">Only one dimension is given, or a dimension is out of range.</exception>
    public MapProjection Map(int? first = null, int? second = null)
    {
        if (first is null && second is null)
        {
            return new MapProjection("PC 1", latentSize > 1 ? "PC 2" : "0", principalX, principalY);
        }

        if (first is not int x || second is not int y)
        {
            throw new ArgumentException("Give both map dimensions (x and y), or neither for the principal components.", nameof(first));
        }

        CheckDimension(x, "x");
        CheckDimension(y, "y");
        var xs = new float[ItemCount];
        var ys = new float[ItemCount];
        for (int item = 0; item < xs.Length; item++)
        {
            xs[item] = means[(item * latentSize) + x];
            ys[item] = means[(item * latentSize) + y];
        }

        return new MapProjection($"z {x}", $"z {y}", xs, ys);
    }

    private static (float[] X, float[] Y) PrincipalPlane(Tensor mean)
    {
        using var scope = NewDisposeScope();
        long count = mean.size(0);
        if (mean.size(1) == 1 || count < 2)
        {
            return (mean.select(1, 0).contiguous().data<float>().ToArray(), new float[count]);
        }

        Tensor plane = PrincipalComponents.Project(mean, 2).to_type(ScalarType.Float32);
        return (plane.select(1, 0).contiguous().data<float>().ToArray(), plane.select(1, 1).contiguous().data<float>().ToArray());
    }

    private static float[] CheckVector(IReadOnlyList<double>? values, int length, string name, string what)
    {
        if (values is null || values.Count != length)
        {
            throw new ArgumentException($"{name} must hold {length} values ({what}); found {values?.Count.ToString(CultureInfo.InvariantCulture) ?? "none"}.", name);
        }

        var result = new float[length];
        for (int i = 0; i < length; i++)
        {
            double value = values[i];
            if (!double.IsFinite(value) || !float.IsFinite((float)value))
            {
                throw new ArgumentException($"{name}[{i}] is {value.ToString(CultureInfo.InvariantCulture)}; every value must be a finite number.", name);
            }

            result[i] = (float)value;
        }

        return result;
    }

    private float[] PriorDraw(int count, ulong seed)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed);
        return TensorValues.Floats(model.Prior.Sample(count, CPU, generator));
    }

    private async Task<ItemValues> DecodeFlatAsync(float[] codes, int count, string what, string parameter, CancellationToken cancellationToken)
    {
        float[] values = await InferAsync(
            () =>
            {
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                Tensor z = tensor(codes, [count, latentSize]).to(model.Device);
                return TensorValues.Floats(model.Likelihood.Mean(model.Decode(z)));
            },
            cancellationToken).ConfigureAwait(false);
        ToDisplayUnits(values);
        CheckOutput(values, $"The decoding of {what}", parameter);
        return new ItemValues(ItemShape, count, values);
    }

    /// <summary>Runs one forward pass alone on the model, once it is free.</summary>
    private async Task<T> InferAsync<T>(Func<T> forward, CancellationToken cancellationToken)
    {
        await inference.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // The token may have been cancelled while the lock was being handed over: skip the pass nobody will read.
            cancellationToken.ThrowIfCancellationRequested();
            return forward();
        }
        finally
        {
            inference.Release();
        }
    }

    /// <summary>
    /// Refuses values the model never sees: an image's pixel intensities lie in [0, 1] (every image source batches
    /// bytes / 255, and the pictures show that range); a table's values are unbounded, and their standardization is
    /// checked in <see cref="ToModelUnits"/>.
    /// </summary>
    private void CheckInputRange(float[] values)
    {
        if (IsTable)
        {
            return;
        }

        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] is < 0f or > 1f)
            {
                throw new ArgumentException($"x[{i}] is {values[i].ToString(CultureInfo.InvariantCulture)}; an image's values are pixel intensities in [0, 1].", nameof(values));
            }
        }
    }

    /// <summary>
    /// A finite input can still overflow float32 inside the network (e.g. x = 1e38); such a result is refused here,
    /// naming where it went wrong, so that no NaN or infinity reaches a picture or a JSON serializer.
    /// </summary>
    private static void CheckOutput(float[] values, string what, string parameter)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                throw new ArgumentException(
                    $"{what} is not finite (value {i} is {values[i].ToString(CultureInfo.InvariantCulture)}): the input is too far from what the model was trained on for its float32 arithmetic.",
                    parameter);
            }
        }
    }

    private void ToDisplayUnits(float[] values)
    {
        if (Standardization is not { } standardization)
        {
            return;
        }

        for (int i = 0; i < values.Length; i++)
        {
            int column = i % itemSize;
            values[i] = (float)standardization.Restore(column, values[i]);
        }
    }

    private void ToModelUnits(float[] values)
    {
        if (Standardization is not { } standardization)
        {
            return;
        }

        for (int i = 0; i < values.Length; i++)
        {
            int column = i % itemSize;
            float standardized = (float)standardization.Standardize(column, values[i]);
            if (!float.IsFinite(standardized))
            {
                // e.g. 1e38 in a column whose standard deviation is below 1: finite as given, infinite as the model reads it.
                throw new ArgumentException(
                    $"x[{i}] ({ColumnNames[column]}) is {values[i].ToString(CultureInfo.InvariantCulture)}; standardized with the model's statistics it is not a finite float32 number.", nameof(values));
            }

            values[i] = standardized;
        }
    }

    private int CheckIndex(long index) =>
        index >= 0 && index < items.Count
            ? (int)index
            : throw new ArgumentOutOfRangeException(nameof(index), index, $"Item {index} does not exist: the items are numbered 0 to {items.Count - 1}.");

    private void CheckDimension(int dimension, string axis)
    {
        if (dimension < 0 || dimension >= latentSize)
        {
            throw new ArgumentOutOfRangeException(axis, dimension, $"Map dimension {axis} = {dimension} does not exist: z has dimensions 0 to {latentSize - 1}.");
        }
    }
}
