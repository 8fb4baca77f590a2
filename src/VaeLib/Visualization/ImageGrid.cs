using SkiaSharp;
using VaeLib.Runtime;
using VaeLib.Storage;
using static TorchSharp.torch;

namespace VaeLib.Visualization;

/// <summary>Lays out images in a grid and encodes it as PNG (SkiaSharp).</summary>
public static class ImageGrid
{
    /// <summary>Encodes images as one PNG, row by row.</summary>
    /// <param name="images">Images <c>[N, C, H, W]</c> with C = 1 (grey) or 3 (RGB), intensities in [0, 1] (clamped).</param>
    /// <param name="columns">Images per row.</param>
    /// <param name="scale">Screen pixels per image pixel.</param>
    /// <param name="padding">Pixels between images.</param>
    /// <returns>The PNG file's bytes.</returns>
    public static byte[] EncodePng(Tensor images, int columns, int scale = 2, int padding = 2)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        // One shape read, the shared Scalars and the bytes rather than data<T>() (which reads the strides into a
        // finalizable array): vae explore encodes a PNG per slider move, and each of those would leave objects for
        // the finalizer on every call.
        long[] shape = Shapes.Of(images);
        if (shape.Length != 4 || (shape[1] != 1 && shape[1] != 3) || shape[0] == 0)
        {
            throw new ArgumentException($"Expected images [N, 1 or 3, H, W]; found {Shapes.Format(shape)}.", nameof(images));
        }

        int count = (int)shape[0];
        int channels = (int)shape[1];
        int height = (int)shape[2];
        int width = (int)shape[3];
        byte[] pixels;
        using (var scope = NewDisposeScope())
        {
            pixels = images.detach().cpu().to_type(ScalarType.Float32).clamp(Scalars.Zero, Scalars.One).mul_(Scalars.ByteMax).round_().to_type(ScalarType.Byte).contiguous().bytes.ToArray();
        }

        int rows = (count + columns - 1) / columns;
        int gridColumns = Math.Min(columns, count);
        int cellWidth = (width * scale) + padding;
        int cellHeight = (height * scale) + padding;
        using var bitmap = new SKBitmap((gridColumns * cellWidth) + padding, (rows * cellHeight) + padding, SKColorType.Rgba8888, SKAlphaType.Opaque);
        bitmap.Erase(new SKColor(40, 40, 40));
        for (int image = 0; image < count; image++)
        {
            int left = padding + (image % columns * cellWidth);
            int top = padding + (image / columns * cellHeight);
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    int at = ((image * channels * height) + y) * width + x;
                    byte red = pixels[at];
                    byte green = channels == 3 ? pixels[at + (height * width)] : red;
                    byte blue = channels == 3 ? pixels[at + (2 * height * width)] : red;
                    var colour = new SKColor(red, green, blue);
                    for (int dy = 0; dy < scale; dy++)
                    {
                        for (int dx = 0; dx < scale; dx++)
                        {
                            bitmap.SetPixel(left + (x * scale) + dx, top + (y * scale) + dy, colour);
                        }
                    }
                }
            }
        }

        using SKData data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>Writes images as one PNG file, row by row (through a temporary file and a rename).</summary>
    /// <param name="images">Images <c>[N, C, H, W]</c>, C = 1 or 3, intensities in [0, 1].</param>
    /// <param name="path">The file to write.</param>
    /// <param name="columns">Images per row.</param>
    /// <param name="scale">Screen pixels per image pixel.</param>
    public static void SavePng(Tensor images, string path, int columns, int scale = 2)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] png = EncodePng(images, columns, scale);
        AtomicFile.Write(path, temporary => File.WriteAllBytes(temporary, png));
    }
}
