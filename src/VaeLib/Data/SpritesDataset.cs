using static TorchSharp.torch;

namespace VaeLib.Data;

/// <summary>
/// A procedural data set in the spirit of dSprites (Higgins et al. 2017): binary images of a square, an ellipse
/// or a heart at a random scale, rotation and position, with the factors kept as labels. It is made in code, so
/// it needs no file or download, and the same seed always gives the same images.
/// </summary>
public sealed class SpritesDataset : ILabeledDataset, IDisposable
{
    private const int ScaleSteps = 6;
    private const int RotationSteps = 40;
    private const int PositionSteps = 16;

    private readonly TensorDataset pixels;

    private SpritesDataset(TensorDataset pixels, SpriteFactors[] factors, int imageSize)
    {
        this.pixels = pixels;
        Factors = factors;
        Labels = factors.Select(factor => (int)factor.Shape).ToArray();
        ImageSize = imageSize;
    }

    /// <summary>The factors of each image, in order.</summary>
    public IReadOnlyList<SpriteFactors> Factors { get; }

    /// <summary>Width and height of each image.</summary>
    public int ImageSize { get; }

    /// <summary>The shape of each sprite as its label (the other factors are in <see cref="Factors"/>).</summary>
    public IReadOnlyList<int> Labels { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> LabelNames { get; } = Enum.GetNames<SpriteShape>();

    /// <inheritdoc />
    public long Count => pixels.Count;

    /// <inheritdoc />
    public IReadOnlyList<long> ItemShape => pixels.ItemShape;

    /// <summary>Draws the factors from a seeded generator and renders the images.</summary>
    /// <param name="options">Count, image size and seed; null for the defaults.</param>
    /// <returns>Images of shape <c>[1, size, size]</c>, held as bytes 0 and 255 and batched as intensities 0 and 1.</returns>
    public static SpritesDataset Generate(SpritesOptions? options = null)
    {
        options ??= new SpritesOptions();
        var random = new Random(options.Seed);
        int size = options.ImageSize;
        var bytes = new byte[(long)options.Count * size * size];
        var factors = new SpriteFactors[options.Count];
        for (int i = 0; i < options.Count; i++)
        {
            var factor = new SpriteFactors(
                (SpriteShape)random.Next(3),
                0.5 + (0.5 * random.Next(ScaleSteps) / (ScaleSteps - 1)),
                2 * Math.PI * random.Next(RotationSteps) / RotationSteps,
                (double)random.Next(PositionSteps) / (PositionSteps - 1),
                (double)random.Next(PositionSteps) / (PositionSteps - 1));
            factors[i] = factor;
            Render(factor, size, bytes.AsSpan(i * size * size, size * size));
        }

        Tensor images = tensor(bytes, [options.Count, 1, size, size], ScalarType.Byte);
        return new SpritesDataset(new TensorDataset(images), factors, size);
    }

    /// <inheritdoc />
    public Tensor GetBatch(Tensor indices) => pixels.GetBatch(indices);

    /// <inheritdoc />
    public void Dispose() => pixels.Dispose();

    private static void Render(SpriteFactors factor, int size, Span<byte> image)
    {
        // The margin fits the largest sprite at any rotation (its farthest point is 1.15 radii from the centre);
        // the centre ranges over the rest of the image.
        double radius = factor.Scale * size * 0.26;
        double margin = (size * 0.26 * 1.15) + 0.5;
        double centreX = margin + (factor.X * (size - (2 * margin)));
        double centreY = margin + (factor.Y * (size - (2 * margin)));
        double cos = Math.Cos(factor.Rotation);
        double sin = Math.Sin(factor.Rotation);
        for (int row = 0; row < size; row++)
        {
            for (int column = 0; column < size; column++)
            {
                double dx = column + 0.5 - centreX;
                double dy = row + 0.5 - centreY;
                double u = ((dx * cos) + (dy * sin)) / radius;
                double v = ((-dx * sin) + (dy * cos)) / radius;
                image[(row * size) + column] = Contains(factor.Shape, u, v) ? byte.MaxValue : byte.MinValue;
            }
        }
    }

    private static bool Contains(SpriteShape shape, double u, double v)
    {
        switch (shape)
        {
            case SpriteShape.Square:
                return Math.Abs(u) <= 0.8 && Math.Abs(v) <= 0.8;
            case SpriteShape.Ellipse:
                return (u * u) + (v / 0.55 * (v / 0.55)) <= 1;
            default:
                // (x² + y² − 1)³ − x²y³ ≤ 0, pointing down in image coordinates.
                double x = u * 1.15;
                double y = (-v * 1.15) + 0.1;
                double a = (x * x) + (y * y) - 1;
                return (a * a * a) - (x * x * y * y * y) <= 0;
        }
    }
}
