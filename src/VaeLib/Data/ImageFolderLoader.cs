using System.IO.Enumeration;
using SkiaSharp;
using static TorchSharp.torch;

namespace VaeLib.Data;

/// <summary>
/// Loads PNG and JPEG files from a folder whose immediate sub-folders name the classes, e.g. <c>shapes/circle/1.png</c>,
/// <c>shapes/square/2.jpg</c>. Every image is decoded with SkiaSharp and resized to one size.
/// </summary>
/// <remarks>
/// <para>Labels are the names of the immediate sub-folders that hold images, sorted ordinally; images deeper
/// inside a sub-folder belong to it. Sub-folders without images are ignored.</para>
/// <para>A folder with no sub-folders of images is one class named after the folder. When there are class
/// sub-folders, images directly in the root have no class and are an error rather than being silently dropped.</para>
/// <para>Transparent pixels are composed over black, the background of MNIST-like data. Files with other
/// extensions are ignored; files named <c>.png</c>, <c>.jpg</c> or <c>.jpeg</c> that do not decode are an error.</para>
/// </remarks>
public static class ImageFolderLoader
{
    /// <summary>The most pixels a source image may declare; larger headers are taken as corrupt rather than decoded.</summary>
    public const long MaxSourcePixels = 100_000_000;

    /// <summary>Images above this many pixels (16 M, 64 MB decoded) are decoded one at a time.</summary>
    private const long LargeImagePixels = 16_000_000;

    private static readonly string[] Extensions = [".png", ".jpg", ".jpeg"];

    /// <summary>Loads every image under a folder as a labelled data set.</summary>
    /// <param name="folder">The root folder.</param>
    /// <param name="options">Size and colour; null for 28×28 grayscale.</param>
    /// <returns>Images of shape <c>[C, Height, Width]</c> with C = 1 (grayscale) or 3 (RGB), labelled by sub-folder.</returns>
    /// <exception cref="DataFormatException">The folder is missing or holds no images, a file does not decode, or
    /// images lie both in the root and in class sub-folders.</exception>
    public static ImageDataset Load(string folder, ImageFolderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        options ??= new ImageFolderOptions();
        if (!Directory.Exists(folder))
        {
            throw DataFormatException.For(folder, "folder not found.");
        }

        // Links to folders are not followed, at the top or below: a link to a parent would load images twice, and a
        // cycle of links would never end. Links to files are read as the files.
        var classes = Directory.EnumerateDirectories(folder)
            .Where(directory => !IsLink(directory))
            .Select(directory => (Name: Path.GetFileName(directory), Files: ImagesIn(directory, SearchOption.AllDirectories)))
            .Where(entry => entry.Files.Length > 0)
            .OrderBy(entry => entry.Name, StringComparer.Ordinal)
            .ToList();
        string[] rootFiles = ImagesIn(folder, SearchOption.TopDirectoryOnly);
        if (classes.Count == 0)
        {
            if (rootFiles.Length == 0)
            {
                throw DataFormatException.For(folder, $"no images found (looked for {string.Join(", ", Extensions)} files here and in sub-folders).");
            }

            string rootName = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));
            classes.Add((rootName, rootFiles));
        }
        else if (rootFiles.Length > 0)
        {
            throw DataFormatException.For(rootFiles[0], $"an image directly in the root, which also has class sub-folders ({classes[0].Name}, ...); move it into a sub-folder, as its class is unknown ({rootFiles.Length} such files).");
        }

        var files = classes.SelectMany((entry, label) => entry.Files.Select(file => (File: file, Label: label))).ToArray();
        int channels = options.Color == ImageColor.Rgb ? 3 : 1;
        int pixelsPerImage = channels * options.Height * options.Width;
        var bytes = new byte[(long)files.Length * pixelsPerImage];
        try
        {
            // One decode per core, and one large image at a time: memory stays near one large image's pixels
            // (at most MaxSourcePixels × 4 bytes) plus a small one per core, whatever the folder holds.
            var largeImages = new object();
            Parallel.For(
                0,
                files.Length,
                new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
                i => Decode(files[i].File, options, bytes.AsSpan(i * pixelsPerImage, pixelsPerImage), largeImages));
        }
        catch (AggregateException e) when (e.InnerExceptions.FirstOrDefault(inner => inner is DataFormatException) is DataFormatException first)
        {
            // Report the first bad file as the loader's own error, not wrapped in the parallel loop's exception.
            throw first;
        }

        using var scope = NewDisposeScope();
        Tensor images = tensor(bytes, [files.Length, channels, options.Height, options.Width], ScalarType.Byte);
        return new ImageDataset(images, files.Select(file => file.Label).ToArray(), classes.Select(entry => entry.Name).ToArray());
    }

    private static bool IsLink(string directory) => new DirectoryInfo(directory).LinkTarget is not null;

    private static string[] ImagesIn(string directory, SearchOption search) =>
        new FileSystemEnumerable<string>(directory, (ref FileSystemEntry entry) => entry.ToFullPath(), new EnumerationOptions { RecurseSubdirectories = search == SearchOption.AllDirectories, IgnoreInaccessible = true })
        {
            ShouldIncludePredicate = (ref FileSystemEntry entry) => !entry.IsDirectory,
            ShouldRecursePredicate = (ref FileSystemEntry entry) => !entry.Attributes.HasFlag(FileAttributes.ReparsePoint),
        }
            .Where(file => Extensions.Contains(Path.GetExtension(file), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToArray();

    private static SKBitmap DecodeWhole(string path, object largeImages)
    {
        using SKCodec? codec = SKCodec.Create(path);
        if (codec is null)
        {
            throw DataFormatException.For(path, "cannot be decoded as a PNG or JPEG image.");
        }

        // The header's size is checked before the decoder allocates it.
        SKImageInfo info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0 || (long)info.Width * info.Height > MaxSourcePixels)
        {
            throw DataFormatException.For(path, $"declares {info.Width}×{info.Height} pixels; at most {MaxSourcePixels} are accepted.");
        }

        info = new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, info.AlphaType == SKAlphaType.Opaque ? SKAlphaType.Opaque : SKAlphaType.Premul);
        if ((long)info.Width * info.Height <= LargeImagePixels)
        {
            return Pixels(path, codec, info);
        }

        lock (largeImages)
        {
            return Pixels(path, codec, info);
        }
    }

    private static SKBitmap Pixels(string path, SKCodec codec, SKImageInfo info)
    {
        var bitmap = new SKBitmap(info);
        SKCodecResult result = codec.GetPixels(info, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
        {
            bitmap.Dispose();
            string problem = result == SKCodecResult.IncompleteInput ? "truncated" : $"cannot be decoded ({result})";
            throw DataFormatException.For(path, $"{problem}: not a whole PNG or JPEG image.");
        }

        return bitmap;
    }

    private static void Decode(string path, ImageFolderOptions options, Span<byte> output, object largeImages)
    {
        using SKBitmap decoded = DecodeWhole(path, largeImages);

        // Drawing into a premultiplied RGBA bitmap resizes, converts every source format and composes alpha over black.
        var info = new SKImageInfo(options.Width, options.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var target = new SKBitmap(info);
        using (var canvas = new SKCanvas(target))
        using (SKImage image = SKImage.FromBitmap(decoded))
        {
            canvas.Clear(SKColors.Black);
            canvas.DrawImage(image, new SKRect(0, 0, options.Width, options.Height), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        }

        ReadOnlySpan<byte> rgba = target.GetPixelSpan();
        int plane = options.Width * options.Height;
        for (int p = 0; p < plane; p++)
        {
            byte r = rgba[4 * p], g = rgba[(4 * p) + 1], b = rgba[(4 * p) + 2];
            if (options.Color == ImageColor.Rgb)
            {
                output[p] = r;
                output[plane + p] = g;
                output[(2 * plane) + p] = b;
            }
            else
            {
                output[p] = (byte)Math.Round((0.299 * r) + (0.587 * g) + (0.114 * b), MidpointRounding.AwayFromZero);
            }
        }
    }
}
