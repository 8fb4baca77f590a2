namespace VaeLib.Tests.Data;

/// <summary>A fresh folder under the system's temporary folder, deleted with everything in it on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder(string name = "vaelib")
    {
        // The name is kept as the folder's last part because loaders read meaning from it (e.g. "fashion").
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "vaelib-tests-" + Guid.NewGuid().ToString("N"), name);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(System.IO.Path.GetDirectoryName(Path)!, recursive: true);
}
