using System.Buffers.Binary;
using System.IO.Compression;

namespace VaeLib.Tests.Data;

/// <summary>Small IDX files made in the test, so no test depends on a download.</summary>
public static class IdxFiles
{
    public static byte[] Images(int count, int rows, int columns, Func<int, int, byte>? pixel = null, int magic = 0x803)
    {
        var bytes = new byte[16 + (count * rows * columns)];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), columns);
        pixel ??= (item, index) => (byte)((item * 31) + index);
        for (int item = 0; item < count; item++)
        {
            for (int index = 0; index < rows * columns; index++)
            {
                bytes[16 + (item * rows * columns) + index] = pixel(item, index);
            }
        }

        return bytes;
    }

    public static byte[] Labels(params byte[] labels)
    {
        var bytes = new byte[8 + labels.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, 0x801);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), labels.Length);
        labels.CopyTo(bytes, 8);
        return bytes;
    }

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>Writes a complete, valid set of four files: 3 training and 2 test images of 4×5 pixels.</summary>
    public static void WriteSet(string folder, bool gzipped)
    {
        byte[] Maybe(byte[] data) => gzipped ? Gzip(data) : data;
        string suffix = gzipped ? ".gz" : string.Empty;
        File.WriteAllBytes(Path.Combine(folder, "train-images-idx3-ubyte" + suffix), Maybe(Images(3, 4, 5)));
        File.WriteAllBytes(Path.Combine(folder, "train-labels-idx1-ubyte" + suffix), Maybe(Labels(9, 0, 4)));
        File.WriteAllBytes(Path.Combine(folder, "t10k-images-idx3-ubyte" + suffix), Maybe(Images(2, 4, 5)));
        File.WriteAllBytes(Path.Combine(folder, "t10k-labels-idx1-ubyte" + suffix), Maybe(Labels(1, 2)));
    }
}
