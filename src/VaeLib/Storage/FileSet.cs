using VaeLib.Persistence;

namespace VaeLib.Storage;

/// <summary>
/// A folder's data files and the one description file that records their SHA-256 checksums, written so that the
/// folder always holds one complete set — the previous or the new — whatever instant the writer is killed at or the
/// disk fills.
/// </summary>
/// <remarks>
/// <para>A write (1) finishes or discards what a killed earlier write left (see below), (2) writes every data file
/// completely beside its current version as <c>{name}.pending</c> and flushes it, (3) replaces the description
/// atomically (<see cref="AtomicFile"/>): this one rename is the commit, and (4) renames each pending file over its
/// current version. Until (3) the previous description names the previous files, which are untouched; after it,
/// the new description's checksums match either the renamed file or, if the writer died in (4), its pending file,
/// which readers then use (<see cref="Locate"/>) and the next write renames into place.</para>
/// <para>A reader never writes: a folder that was interrupted in step 4 loads from its pending files and stays as it
/// is until the next write.</para>
/// </remarks>
internal static class FileSet
{
    /// <summary>The suffix of a data file written but not yet renamed into place.</summary>
    public const string PendingSuffix = ".pending";

    /// <summary>Writes the data files, then the description naming their checksums, then moves the data files into place.</summary>
    /// <param name="directory">The folder (created if needed).</param>
    /// <param name="files">Each data file's name in the folder and how to write its content to a given path.</param>
    /// <param name="descriptionName">The description file's name.</param>
    /// <param name="describe">The description's text, given each data file's checksum by name.</param>
    /// <param name="committedChecksum">The checksum the current description records for a data file, or null when
    /// there is no readable description or it records none; used to finish a killed earlier write.</param>
    /// <param name="observer">Told of each step (tests); null for none.</param>
    public static void Write(
        string directory,
        IReadOnlyList<(string Name, Action<string> Write)> files,
        string descriptionName,
        Func<IReadOnlyDictionary<string, string>, string> describe,
        Func<string, string?> committedChecksum,
        IStorageObserver? observer = null)
    {
        Directory.CreateDirectory(directory);
        foreach ((string name, _) in files)
        {
            FinishOrDiscardPending(directory, name, committedChecksum, observer);
        }

        var checksums = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            foreach ((string name, Action<string> write) in files)
            {
                string path = Path.Combine(directory, name + PendingSuffix);
                write(path);
                observer?.After(StorageStep.Written, path);
                AtomicFile.FlushFile(path, observer);
                checksums[name] = Checksum.OfFile(path);
            }

            string description = describe(checksums);
            AtomicFile.Write(Path.Combine(directory, descriptionName), path => File.WriteAllText(path, description), observer);
        }
        catch
        {
            // Failed before the commit, or (rarely) in the commit's last step after the rename itself: the files the
            // description now names are kept or moved into place, and the others go.
            foreach ((string name, _) in files)
            {
                try
                {
                    FinishOrDiscardPending(directory, name, committedChecksum, observer: null);
                }
                catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
                {
                    // The write failed already (a full disk, say); the next write finishes the cleanup.
                }
            }

            throw;
        }

        foreach ((string name, _) in files)
        {
            AtomicFile.Rename(Path.Combine(directory, name + PendingSuffix), Path.Combine(directory, name), observer);
        }
    }

    /// <summary>
    /// The path of the data file whose content has the recorded checksum: the file itself, or its pending version
    /// when a write was killed after its commit. A candidate of another length than <paramref name="expectedLength"/>
    /// is set aside without reading it (a sparse or oversized file costs nothing); symbolic links are followed.
    /// </summary>
    /// <param name="directory">The folder.</param>
    /// <param name="name">The data file's name.</param>
    /// <param name="expectedChecksum">The checksum the description records; null for a description written before
    /// checksums existed, in which case the file itself is returned unverified.</param>
    /// <param name="expectedLength">The exact length the content must have, when known.</param>
    /// <param name="descriptionName">The description's file name, for messages.</param>
    /// <exception cref="ModelFormatException">No candidate has the recorded length and checksum, or one cannot be read.</exception>
    public static string Locate(string directory, string name, string? expectedChecksum, long? expectedLength, string descriptionName)
    {
        string path = Path.Combine(directory, name);
        if (expectedChecksum is null)
        {
            long? legacyLength = RegularFileLength(path);
            if (expectedLength is { } length && legacyLength != length)
            {
                throw WrongLength(path, legacyLength, length, descriptionName);
            }

            return path;
        }

        long? mainLength = null;
        foreach (string candidate in new[] { path, path + PendingSuffix })
        {
            long? candidateLength = RegularFileLength(candidate);
            if (candidate == path)
            {
                mainLength = candidateLength;
            }

            if (candidateLength is null || (expectedLength is { } length && candidateLength != length))
            {
                continue;
            }

            string actual;
            try
            {
                actual = Checksum.OfFile(candidate);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                throw new ModelFormatException($"{candidate}: cannot be read: {exception.Message}", exception);
            }

            if (Checksum.Same(actual, expectedChecksum))
            {
                return candidate;
            }
        }

        if (expectedLength is { } expected && mainLength != expected)
        {
            throw WrongLength(path, mainLength, expected, descriptionName);
        }

        throw new ModelFormatException($"{path}: checksum mismatch: the file is damaged or was replaced ({descriptionName} records SHA-256 {expectedChecksum.ToLowerInvariant()}).");
    }

    /// <summary>
    /// Opens a description file for reading, refused before it is read when it is not a non-empty regular file (a
    /// FIFO would block) or is larger than <paramref name="maxBytes"/>; the stream ends at that limit even if the
    /// file grows meanwhile.
    /// </summary>
    /// <param name="path">The description file.</param>
    /// <param name="maxBytes">The largest description read.</param>
    /// <param name="what">What the file is, for messages ("model description").</param>
    /// <exception cref="ModelFormatException">The file is empty, not a regular file, or too large.</exception>
    public static Stream OpenDescription(string path, long maxBytes, string what)
    {
        long length = RegularFileLength(path)
            ?? throw new ModelFormatException($"{path}: not a valid {what}: it is empty or not a regular file.");
        if (length > maxBytes)
        {
            throw new ModelFormatException($"{path}: not a valid {what}: it is {length} bytes; a {what} is at most {maxBytes} bytes.");
        }

        return new BoundedReadStream(File.OpenRead(path), maxBytes);
    }

    /// <summary>The length of the non-empty regular file at a path, following symbolic links; null when there is none (missing, empty, a folder, a FIFO or a device).</summary>
    public static long? RegularFileLength(string path)
    {
        try
        {
            FileSystemInfo info = new FileInfo(path);
            if (info.LinkTarget is not null)
            {
                info = File.ResolveLinkTarget(path, returnFinalTarget: true) ?? info;
            }

            if (info is not FileInfo file || !file.Exists)
            {
                return null;
            }

            // A FIFO, socket or device reports length 0 (and would block or never end when read); so does an empty
            // file, which no data or description file of VaeLib is.
            return file.Length > 0 ? file.Length : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null; // A link loop or an unreadable folder.
        }
    }

    private static ModelFormatException WrongLength(string path, long? actual, long expected, string descriptionName) =>
        actual is null
            ? new ModelFormatException($"{path}: missing, empty or not a regular file.")
            : new ModelFormatException($"{path}: {actual} bytes, where the model that {descriptionName} describes takes exactly {expected}: the weights do not match the described architecture or the file is damaged.");

    /// <summary>Renames a pending file left by a write killed after its commit into place, or deletes one left before it.</summary>
    private static void FinishOrDiscardPending(string directory, string name, Func<string, string?> committedChecksum, IStorageObserver? observer)
    {
        string path = Path.Combine(directory, name);
        string pendingPath = path + PendingSuffix;
        if (!File.Exists(pendingPath))
        {
            return;
        }

        string? committed = committedChecksum(name);
        bool pendingIsCommitted = committed is not null
            && Checksum.Same(Checksum.OfFile(pendingPath), committed)
            && !(File.Exists(path) && Checksum.Same(Checksum.OfFile(path), committed));
        if (pendingIsCommitted)
        {
            AtomicFile.Rename(pendingPath, path, observer);
        }
        else
        {
            AtomicFile.Delete(pendingPath, observer);
        }
    }
}
