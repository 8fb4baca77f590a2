using System.Security.Cryptography;

namespace VaeLib;

/// <summary>SHA-256 checksums as lowercase hexadecimal, for the files of saved models and checkpoints.</summary>
internal static class Checksum
{
    /// <summary>The SHA-256 of a file.</summary>
    public static string OfFile(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>The SHA-256 of bytes about to be written.</summary>
    public static string Of(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>Compares two checksums regardless of the case of their hexadecimal digits.</summary>
    public static bool Same(string actual, string expected) => string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase);
}
