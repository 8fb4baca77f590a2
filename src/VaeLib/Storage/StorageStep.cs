namespace VaeLib.Storage;

/// <summary>A step of a durable write that changes what is on disk; fault-injection tests stop or fail a write at each.</summary>
internal enum StorageStep
{
    /// <summary>A temporary or pending file was written completely (not yet flushed).</summary>
    Written,

    /// <summary>A file's content was flushed to the disk.</summary>
    Flushed,

    /// <summary>A file was renamed into place.</summary>
    Renamed,

    /// <summary>A folder's entries were flushed to the disk.</summary>
    FolderFlushed,

    /// <summary>A stale or superseded file was deleted.</summary>
    Deleted,
}
