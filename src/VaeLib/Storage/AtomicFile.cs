using System.Runtime.InteropServices;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace VaeLib.Storage;

/// <summary>Writes a file so that readers see the old content or the new, never a half-written file.</summary>
/// <remarks>
/// The content goes to a temporary file beside the target named <c>{name}.{process id}-{unique}.tmp{extension}</c>,
/// which is flushed to the disk, renamed over the target, and the folder flushed (on Linux and macOS) so that the
/// rename itself survives a power cut. Temporaries of the same target left by a killed process (one that no longer
/// runs), and those of earlier VaeLib versions (<c>{name}.{unique}.tmp{extension}</c>), are deleted by the next write.
/// </remarks>
internal static partial class AtomicFile
{
    /// <summary>Writes through a temporary file beside the target, flushes it, and renames it into place.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="write">Writes the content to the path it is given.</param>
    /// <param name="observer">Told of each step (tests); null for none.</param>
    public static void Write(string path, Action<string> write, IStorageObserver? observer = null)
    {
        string fullPath = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"{path}: a file path is expected.", nameof(path));
        Directory.CreateDirectory(folder);
        DeleteStaleTemporaries(fullPath, observer);

        // The extension is kept: some writers (image and plot libraries) choose the format by it.
        string temporary = $"{fullPath}.{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-{Guid.NewGuid():N}.tmp{Path.GetExtension(fullPath)}";
        try
        {
            write(temporary);
            observer?.After(StorageStep.Written, temporary);
            FlushFile(temporary, observer);
            Rename(temporary, fullPath, observer);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    /// <summary>Flushes a file's content to the disk.</summary>
    public static void FlushFile(string path, IStorageObserver? observer)
    {
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Flush(flushToDisk: true);
        }

        observer?.After(StorageStep.Flushed, path);
    }

    /// <summary>Renames a file over another and flushes their folder, so that the rename is on the disk when this returns.</summary>
    public static void Rename(string source, string destination, IStorageObserver? observer)
    {
        File.Move(source, destination, overwrite: true);
        observer?.After(StorageStep.Renamed, destination);
        FlushFolder(Path.GetDirectoryName(destination)!, observer);
    }

    /// <summary>Deletes a file, telling the observer.</summary>
    public static void Delete(string path, IStorageObserver? observer)
    {
        File.Delete(path);
        observer?.After(StorageStep.Deleted, path);
    }

    /// <summary>Flushes a folder's entries (renames, new files) to the disk; a no-op on Windows, whose file systems journal them.</summary>
    public static void FlushFolder(string folder, IStorageObserver? observer)
    {
        if (!OperatingSystem.IsWindows())
        {
            int descriptor = Open(folder, 0 /* O_RDONLY */);
            if (descriptor >= 0)
            {
                // A file system that cannot flush a folder (some network mounts) still renamed it; nothing more can be done.
                _ = Fsync(descriptor);
                _ = Close(descriptor);
            }
        }

        observer?.After(StorageStep.FolderFlushed, folder);
    }

    /// <summary>Deletes this target's temporaries whose writer is gone: a killed process's, or an earlier VaeLib version's.</summary>
    private static void DeleteStaleTemporaries(string fullPath, IStorageObserver? observer)
    {
        string folder = Path.GetDirectoryName(fullPath)!;
        string name = Path.GetFileName(fullPath);
        Regex pattern = new($"^{Regex.Escape(name)}\\.(?:(?<pid>[0-9]+)-)?[0-9a-f]{{32}}\\.tmp{Regex.Escape(Path.GetExtension(fullPath))}$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        foreach (string candidate in Directory.EnumerateFiles(folder, $"{name}.*.tmp*"))
        {
            Match match = pattern.Match(Path.GetFileName(candidate));
            if (match.Success && !WriterMayRun(match.Groups["pid"]))
            {
                try
                {
                    Delete(candidate, observer);
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    // Another cleaner got there first, or the file is not ours to delete: the write goes on.
                }
            }
        }
    }

    private static bool WriterMayRun(Group processId)
    {
        if (!processId.Success)
        {
            return false; // An earlier VaeLib version's temporary: those writers never cleaned up after a kill.
        }

        if (!int.TryParse(processId.Value, NumberStyles.None, CultureInfo.InvariantCulture, out int id))
        {
            return false;
        }

        if (id == Environment.ProcessId)
        {
            return true; // Perhaps another thread of this process writing the same file now.
        }

        try
        {
            using Process process = Process.GetProcessById(id);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false; // No such process.
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
