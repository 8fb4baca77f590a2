using System.Text;

namespace VaeLib.Tests.Build;

/// <summary>
/// Builds a minimal 64-bit little-endian ELF shared object with a dynamic string table, two undefined dynamic
/// symbols, their version indices and a version-needs section for libstdc++.so.6 with two versions:
/// GLIBCXX_3.4.32 (index 2) and GLIBCXX_3.4.19 (index 3).
/// </summary>
internal static class SyntheticElf
{
    public const string MarkerSymbol = "_ZSt21ios_base_library_initv";
    public const string OtherSymbol = "_ZNSt8ios_base4InitC1Ev";

    /// <summary>Offset of the GLIBCXX_3.4.32 entry's <c>vna_flags</c>.</summary>
    public static int NewVersionFlagsOffset { get; private set; }

    /// <summary>Builds the image.</summary>
    /// <param name="otherSymbolVersion">Version index of the second symbol: 3 (GLIBCXX_3.4.19) or 2 (GLIBCXX_3.4.32, unsafe).</param>
    public static byte[] Build(ushort otherSymbolVersion = 3)
    {
        var strings = new StringTable();
        uint library = strings.Add("libstdc++.so.6");
        uint newVersion = strings.Add("GLIBCXX_3.4.32");
        uint oldVersion = strings.Add("GLIBCXX_3.4.19");
        uint marker = strings.Add(MarkerSymbol);
        uint other = strings.Add(OtherSymbol);
        byte[] dynstr = strings.ToArray();

        var dynsym = new byte[3 * 24];
        WriteU32(dynsym, 24, marker);
        WriteU32(dynsym, 48, other);

        var versym = new byte[3 * 2];
        WriteU16(versym, 2, 2);
        WriteU16(versym, 4, otherSymbolVersion);

        var verneed = new byte[16 + 32];
        WriteU16(verneed, 0, 1);
        WriteU16(verneed, 2, 2);
        WriteU32(verneed, 4, library);
        WriteU32(verneed, 8, 16);
        WriteU32(verneed, 16 + 0, 0x08922974);
        WriteU16(verneed, 16 + 6, 2);
        WriteU32(verneed, 16 + 8, newVersion);
        WriteU32(verneed, 16 + 12, 16);
        WriteU32(verneed, 32 + 0, 0x08922979);
        WriteU16(verneed, 32 + 6, 3);
        WriteU32(verneed, 32 + 8, oldVersion);

        var image = new List<byte>(new byte[64]);
        int dynstrAt = Append(image, dynstr);
        int dynsymAt = Append(image, dynsym);
        int versymAt = Append(image, versym);
        int verneedAt = Append(image, verneed);
        NewVersionFlagsOffset = verneedAt + 16 + 4;
        while (image.Count % 8 != 0)
        {
            image.Add(0);
        }

        int sectionTable = image.Count;
        image.AddRange(new byte[5 * 64]);
        byte[] bytes = image.ToArray();
        bytes[0] = 0x7f;
        bytes[1] = (byte)'E';
        bytes[2] = (byte)'L';
        bytes[3] = (byte)'F';
        bytes[4] = 2;
        bytes[5] = 1;
        bytes[6] = 1;
        WriteU16(bytes, 0x10, 3);
        WriteU16(bytes, 0x12, 62);
        WriteU64(bytes, 0x28, (ulong)sectionTable);
        WriteU16(bytes, 0x34, 64);
        WriteU16(bytes, 0x3a, 64);
        WriteU16(bytes, 0x3c, 5);
        Section(bytes, sectionTable, 1, 3, dynstrAt, dynstr.Length, link: 0, info: 0);
        Section(bytes, sectionTable, 2, 11, dynsymAt, dynsym.Length, link: 1, info: 1);
        Section(bytes, sectionTable, 3, 0x6fffffff, versymAt, versym.Length, link: 2, info: 0);
        Section(bytes, sectionTable, 4, 0x6ffffffe, verneedAt, verneed.Length, link: 1, info: 1);
        return bytes;
    }

    private static int Append(List<byte> image, byte[] data)
    {
        while (image.Count % 8 != 0)
        {
            image.Add(0);
        }

        int at = image.Count;
        image.AddRange(data);
        return at;
    }

    private static void Section(byte[] bytes, int table, int index, uint type, int offset, int size, uint link, uint info)
    {
        int at = table + (index * 64);
        WriteU32(bytes, at + 4, type);
        WriteU64(bytes, at + 24, (ulong)offset);
        WriteU64(bytes, at + 32, (ulong)size);
        WriteU32(bytes, at + 40, link);
        WriteU32(bytes, at + 44, info);
    }

    private static void WriteU16(byte[] b, int at, ushort value) => BitConverter.TryWriteBytes(b.AsSpan(at), value);

    private static void WriteU32(byte[] b, int at, uint value) => BitConverter.TryWriteBytes(b.AsSpan(at), value);

    private static void WriteU64(byte[] b, int at, ulong value) => BitConverter.TryWriteBytes(b.AsSpan(at), value);

    private sealed class StringTable
    {
        private readonly List<byte> bytes = [0];

        public uint Add(string value)
        {
            uint at = (uint)bytes.Count;
            bytes.AddRange(Encoding.ASCII.GetBytes(value));
            bytes.Add(0);
            return at;
        }

        public byte[] ToArray() => bytes.ToArray();
    }
}
