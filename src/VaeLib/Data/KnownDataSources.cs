namespace VaeLib.Data;

/// <summary>Data sets known by name, and the folders the operating system's packages install them in.</summary>
public static class KnownDataSources
{
    /// <summary>Where Debian and Ubuntu <c>dataset-*</c> packages put their files.</summary>
    public const string DefaultRoot = "/usr/share/datasets";

    /// <summary>The name of Fashion-MNIST (Xiao, Rasul and Vollgraf 2017).</summary>
    public const string FashionMnist = "fashion-mnist";

    private static readonly Dictionary<string, string> Packages = new(StringComparer.OrdinalIgnoreCase)
    {
        [FashionMnist] = "dataset-fashion-mnist",
    };

    /// <summary>The names <see cref="Resolve(string)"/> knows.</summary>
    public static IReadOnlyList<string> Names { get; } = Packages.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>The folder that holds a known data set, e.g. <c>/usr/share/datasets/fashion-mnist</c>.</summary>
    /// <param name="name">A name from <see cref="Names"/> (case-insensitive).</param>
    /// <returns>The folder, which exists.</returns>
    /// <exception cref="ArgumentException">The name is not known.</exception>
    /// <exception cref="DataFormatException">The folder is missing; the message says which package installs it.</exception>
    public static string Resolve(string name) => Resolve(name, DefaultRoot);

    /// <summary>The folder that holds a known data set under another root (a system with another prefix).</summary>
    /// <param name="name">A name from <see cref="Names"/> (case-insensitive).</param>
    /// <param name="root">The folder that holds the data set folders.</param>
    /// <returns>The folder, which exists.</returns>
    /// <exception cref="ArgumentException">The name is not known.</exception>
    /// <exception cref="DataFormatException">The folder is missing; the message says which package installs it.</exception>
    public static string Resolve(string name, string root)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(root);
        if (!Packages.TryGetValue(name, out string? package))
        {
            throw new ArgumentException($"'{name}' is not a known data set; known: {string.Join(", ", Names)}. Pass a folder instead.", nameof(name));
        }

        string folder = Path.Combine(root, name.ToLowerInvariant());
        if (!Directory.Exists(folder))
        {
            throw DataFormatException.For(folder, $"folder not found. Install the Debian/Ubuntu package {package} (apt-get install {package}) or pass the folder that holds the files.");
        }

        return folder;
    }
}
