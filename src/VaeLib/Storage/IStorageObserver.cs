namespace VaeLib.Storage;

/// <summary>
/// Told of every step of a durable write as soon as it has happened. The library runs without one; tests use it to
/// copy the folder at each step (what a kill at that moment leaves on disk) or to throw there (a full disk).
/// </summary>
internal interface IStorageObserver
{
    /// <summary>Called after <paramref name="step"/> completed on <paramref name="path"/>; an exception thrown here fails the write at that point.</summary>
    void After(StorageStep step, string path);
}
