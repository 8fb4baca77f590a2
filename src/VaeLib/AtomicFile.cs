namespace VaeLib;

/// <summary>Writes a file so that readers see the old content or the new, never a half-written file.</summary>
internal static class AtomicFile
{
    /// <summary>Writes through a uniquely named temporary file beside the target, flushes it, and renames it into place.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="write">Writes the content to the path it is given.</param>
    public static void Write(string path, Action<string> write)
    {
        string fullPath = Path.GetFullPath(path);
        string? folder = Path.GetDirectoryName(fullPath);
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        // The extension is kept: some writers (image and plot libraries) choose the format by it.
        string temporary = $"{fullPath}.{Guid.NewGuid():N}.tmp{Path.GetExtension(fullPath)}";
        try
        {
            write(temporary);
            using (var stream = new FileStream(temporary, FileMode.Open, FileAccess.ReadWrite))
            {
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}
