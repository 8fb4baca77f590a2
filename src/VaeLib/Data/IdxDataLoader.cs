using System.Buffers.Binary;
using System.IO.Compression;
using static TorchSharp.torch;

namespace VaeLib.Data;

/// <summary>
/// Reads the MNIST family's IDX files (MNIST, Fashion-MNIST, KMNIST) from a folder, gzipped or raw:
/// <c>train-images-idx3-ubyte</c>, <c>train-labels-idx1-ubyte</c>, <c>t10k-images-idx3-ubyte</c> and
/// <c>t10k-labels-idx1-ubyte</c>, each optionally ending in <c>.gz</c>.
/// </summary>
/// <remarks>
/// Every problem with a file is a <see cref="DataFormatException"/> that names the file. Sizes a header declares
/// are checked against the file's length before anything of that size is allocated.
/// </remarks>
public static class IdxDataLoader
{
    /// <summary>The IDX magic number of unsigned-byte data with three dimensions (images).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>The IDX magic number of unsigned-byte data with one dimension (labels).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>The largest image side accepted; larger sides are taken as a corrupt header.</summary>
    public const int MaxImageSide = 4096;

    // Deflate cannot expand data by more than about 1032 times, so a gzipped file that claims more is corrupt.
    private const long MaxDeflateRatio = 1032;
    private const int ImagesHeaderLength = 16;
    private const int LabelsHeaderLength = 8;

    /// <summary>The labels of Fashion-MNIST, in label order.</summary>
    public static IReadOnlyList<string> FashionMnistLabelNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>The labels of MNIST: the digits 0 to 9.</summary>
    public static IReadOnlyList<string> DigitLabelNames { get; } = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    /// <summary>Loads a data set known by name (see <see cref="KnownDataSources"/>), e.g. <c>fashion-mnist</c>.</summary>
    /// <param name="name">The data set's name.</param>
    /// <returns>The training and test images with their labels.</returns>
    /// <exception cref="DataFormatException">The folder is missing (the message names the package) or a file is bad.</exception>
    public static DataSplits LoadKnown(string name) => Load(KnownDataSources.Resolve(name));

    /// <summary>Loads the four IDX files from a folder.</summary>
    /// <param name="folder">The folder; its name chooses the label names (Fashion-MNIST's when it contains "fashion", else digits).</param>
    /// <returns>The training and test images (<c>[N, 1, rows, cols]</c>) with their labels.</returns>
    /// <exception cref="DataFormatException">A file is missing, or is not a valid IDX file, or images and labels disagree.</exception>
    public static DataSplits Load(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder))
        {
            throw DataFormatException.For(folder, "folder not found.");
        }

        string folderName = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));
        IReadOnlyList<string> labelNames = folderName.Contains("fashion", StringComparison.OrdinalIgnoreCase)
            ? FashionMnistLabelNames
            : DigitLabelNames;
        ImageDataset train = LoadPair(folder, "train", labelNames);
        try
        {
            ImageDataset test = LoadPair(folder, "t10k", labelNames);
            if (!test.ItemShape.SequenceEqual(train.ItemShape))
            {
                // A data fault (exit 1 in the CLI), found here rather than as an argument error when training starts.
                string testShape = string.Join("×", test.ItemShape), trainShape = string.Join("×", train.ItemShape);
                test.Dispose();
                throw DataFormatException.For(folder, $"the t10k images are {testShape} but the train images are {trainShape}; both splits must have one image size.");
            }

            return new DataSplits(train, test);
        }
        catch
        {
            train.Dispose();
            throw;
        }
    }

    /// <summary>Loads one images file and its labels file as a data set.</summary>
    /// <param name="imagesPath">An <c>idx3-ubyte</c> images file, gzipped or raw.</param>
    /// <param name="labelsPath">The matching <c>idx1-ubyte</c> labels file, gzipped or raw.</param>
    /// <param name="labelNames">The name of each label value; every label in the file must index it.</param>
    /// <returns>The images (<c>[N, 1, rows, cols]</c>) with their labels.</returns>
    /// <exception cref="DataFormatException">A file is not a valid IDX file, or the two files disagree.</exception>
    public static ImageDataset LoadFiles(string imagesPath, string labelsPath, IReadOnlyList<string> labelNames)
    {
        ArgumentNullException.ThrowIfNull(imagesPath);
        ArgumentNullException.ThrowIfNull(labelsPath);
        ArgumentNullException.ThrowIfNull(labelNames);
        (byte[] pixels, int count, int rows, int columns) = ReadImages(imagesPath);
        byte[] labelBytes = ReadLabels(labelsPath);
        if (labelBytes.Length != count)
        {
            throw DataFormatException.For(labelsPath, $"has {labelBytes.Length} labels but {Path.GetFileName(imagesPath)} has {count} images.");
        }

        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = labelBytes[i];
            if (labels[i] >= labelNames.Count)
            {
                throw DataFormatException.For(labelsPath, $"label {labels[i]} of item {i} is outside 0 to {labelNames.Count - 1}.");
            }
        }

        using var scope = NewDisposeScope();
        Tensor images = tensor(pixels, [count, 1, rows, columns], ScalarType.Byte);
        return new ImageDataset(images, labels, labelNames);
    }

    private static ImageDataset LoadPair(string folder, string prefix, IReadOnlyList<string> labelNames) =>
        LoadFiles(Find(folder, $"{prefix}-images-idx3-ubyte"), Find(folder, $"{prefix}-labels-idx1-ubyte"), labelNames);

    private static string Find(string folder, string name)
    {
        foreach (string candidate in new[] { name, name + ".gz" })
        {
            string path = Path.Combine(folder, candidate);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw DataFormatException.For(folder, $"missing file: looked for {name} and {name}.gz in this folder.");
    }

    private static (byte[] Pixels, int Count, int Rows, int Columns) ReadImages(string path)
    {
        using IdxReader reader = IdxReader.Open(path);
        byte[] header = reader.ReadHeader(ImagesHeaderLength, ImagesMagic, "images");
        int count = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4));
        int rows = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(8));
        int columns = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(12));
        if (count <= 0 || rows <= 0 || columns <= 0 || rows > MaxImageSide || columns > MaxImageSide)
        {
            throw DataFormatException.For(path, $"the header declares {count} images of {rows}×{columns} pixels; expected a positive count and sides from 1 to {MaxImageSide}.");
        }

        byte[] pixels = reader.ReadPayload(ImagesHeaderLength, (long)count * rows * columns);
        return (pixels, count, rows, columns);
    }

    private static byte[] ReadLabels(string path)
    {
        using IdxReader reader = IdxReader.Open(path);
        byte[] header = reader.ReadHeader(LabelsHeaderLength, LabelsMagic, "labels");
        int count = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4));
        if (count <= 0)
        {
            throw DataFormatException.For(path, $"the header declares {count} labels; expected a positive count.");
        }

        return reader.ReadPayload(LabelsHeaderLength, count);
    }

    /// <summary>A raw or gzipped IDX file read with every short read and decompression error reported as the file's fault.</summary>
    private sealed class IdxReader : IDisposable
    {
        private readonly string path;
        private readonly FileStream file;
        private readonly Stream stream;
        private readonly bool gzipped;
        private uint crc;

        private IdxReader(string path, FileStream file, Stream stream, bool gzipped)
        {
            this.path = path;
            this.file = file;
            this.stream = stream;
            this.gzipped = gzipped;
        }

        public static IdxReader Open(string path)
        {
            FileStream file;
            try
            {
                file = File.OpenRead(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new DataFormatException($"{path}: cannot be opened: {e.Message}", e);
            }

            // Detect gzip by its magic bytes, not the name: renamed and decompressed copies are common.
            Span<byte> magic = stackalloc byte[2];
            int read = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
            file.Position = 0;
            bool gzipped = read == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
            Stream stream = gzipped ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : file;
            return new IdxReader(path, file, stream, gzipped);
        }

        public byte[] ReadHeader(int length, int expectedMagic, string what)
        {
            var header = new byte[length];
            int read = Read(header);

            // The magic number comes first, so a short file of the wrong kind is reported as the wrong kind.
            int found = read >= 4 ? BinaryPrimitives.ReadInt32BigEndian(header) : expectedMagic;
            if (found != expectedMagic)
            {
                string hint = found is ImagesMagic or LabelsMagic ? $" (that is the magic number of {(found == ImagesMagic ? "images" : "labels")})" : string.Empty;
                throw DataFormatException.For(path, $"bad magic number: expected 0x{expectedMagic:X8} for unsigned-byte {what}, found 0x{found:X8}{hint}.");
            }

            if (read < length)
            {
                throw DataFormatException.For(path, $"truncated: an IDX {what} header needs {length} bytes, found {read}.");
            }

            return header;
        }

        public byte[] ReadPayload(int headerLength, long expected)
        {
            long limit = gzipped ? file.Length * MaxDeflateRatio : file.Length - headerLength;
            if (expected > Array.MaxLength || expected > limit)
            {
                string actual = gzipped ? $"a gzipped file of {file.Length} bytes cannot hold that many" : $"found {file.Length - headerLength}";
                throw DataFormatException.For(path, $"truncated or corrupt: the header declares {expected} data bytes, {actual}.");
            }

            // Gzipped sizes are only known by reading, so the buffer grows with the data actually decompressed.
            var data = new byte[gzipped ? Math.Min(expected, 1 << 20) : expected];
            long filled = 0;
            while (filled < expected)
            {
                if (filled == data.Length)
                {
                    Array.Resize(ref data, (int)Math.Min(expected, 2L * data.Length));
                }

                int read = Read(data.AsSpan((int)filled));
                if (read == 0)
                {
                    throw DataFormatException.For(path, $"truncated: expected {expected} data bytes after the header, found {filled}.");
                }

                filled += read;
            }

            // Reading past the data makes gzip check its trailer (CRC and length), and finds data the header does not count.
            Span<byte> extra = stackalloc byte[1];
            if (Read(extra) != 0)
            {
                throw DataFormatException.For(path, $"has more bytes than the {expected} data bytes its header declares.");
            }

            if (gzipped)
            {
                CheckGzipTrailer(headerLength + expected);
            }

            return data;
        }

        public void Dispose()
        {
            stream.Dispose();
            file.Dispose();
        }

        /// <summary>
        /// Checks the gzip trailer (CRC-32 and length of the decompressed data), which .NET's GZipStream does not:
        /// without this, a file cut inside its last few bytes decompresses completely and passes as whole.
        /// </summary>
        private void CheckGzipTrailer(long decompressedLength)
        {
            Span<byte> trailer = stackalloc byte[8];
            file.Position = Math.Max(0, file.Length - 8);
            int read = file.ReadAtLeast(trailer, 8, throwOnEndOfStream: false);
            uint storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
            uint storedLength = BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]);
            if (read < 8 || storedLength != (uint)decompressedLength || storedCrc != crc)
            {
                throw DataFormatException.For(path, $"truncated or corrupt gzip data: the trailer does not match the {decompressedLength} bytes decompressed (a single-member gzip file is expected).");
            }
        }

        private int Read(Span<byte> buffer)
        {
            try
            {
                int read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
                if (gzipped)
                {
                    crc = Crc32.Update(crc, buffer[..read]);
                }

                return read;
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                throw new DataFormatException($"{path}: corrupt gzip data: {e.Message}", e);
            }
        }
    }

    /// <summary>The CRC-32 of gzip (IEEE 802.3, reflected, polynomial 0xEDB88320).</summary>
    private static class Crc32
    {
        private static readonly uint[] Table = MakeTable();

        public static uint Update(uint crc, ReadOnlySpan<byte> data)
        {
            // The running value is kept inverted between calls, as the standard algorithm keeps it.
            uint value = ~crc;
            foreach (byte b in data)
            {
                value = Table[(value ^ b) & 0xFF] ^ (value >> 8);
            }

            return ~value;
        }

        private static uint[] MakeTable()
        {
            var table = new uint[256];
            for (uint n = 0; n < 256; n++)
            {
                uint c = n;
                for (int k = 0; k < 8; k++)
                {
                    c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
                }

                table[n] = c;
            }

            return table;
        }
    }
}
