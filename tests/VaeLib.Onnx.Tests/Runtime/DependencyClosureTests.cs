using System.Text.Json;

namespace VaeLib.Onnx.Tests.Runtime;

/// <summary>The runtime package and the scoring service built on it ship no TorchSharp or libtorch.</summary>
public class DependencyClosureTests
{
    [Fact]
    public void The_runtime_package_depends_on_onnx_runtime_and_not_on_torchsharp()
    {
        string depsFile = Path.Combine(BuiltOutput("src", "VaeLib.Onnx.Runtime"), "VaeLib.Onnx.Runtime.deps.json");

        string[] libraries = LibrariesOf(depsFile);

        libraries.Should().Contain(name => name.StartsWith("Microsoft.ML.OnnxRuntime/", StringComparison.Ordinal));
        libraries.Should().NotContain(name => IsTorch(name), "the runtime package must not pull TorchSharp or libtorch");
    }

    [Fact]
    public void The_scoring_service_build_holds_onnx_runtime_and_no_torchsharp_or_libtorch()
    {
        string folder = BuiltOutput("samples", "AnomalyService");

        string[] libraries = LibrariesOf(Path.Combine(folder, "AnomalyService.deps.json"));
        // The build's own files and its native assets (runtimes/); a RID-specific publish's subfolder is another build.
        string[] files = Directory.GetFiles(folder)
            .Concat(Directory.GetFiles(Path.Combine(folder, "runtimes"), "*", SearchOption.AllDirectories))
            .Select(path => Path.GetFileName(path)).ToArray();

        libraries.Should().Contain(name => name.StartsWith("VaeLib.Onnx.Runtime/", StringComparison.Ordinal));
        libraries.Should().NotContain(name => IsTorch(name) || name.StartsWith("VaeLib/", StringComparison.Ordinal));
        files.Should().Contain(name => name.Contains("onnxruntime", StringComparison.OrdinalIgnoreCase));
        files.Should().NotContain(name => IsTorch(name));
    }

    private static bool IsTorch(string name) =>
        name.Contains("torch", StringComparison.OrdinalIgnoreCase) || name.Contains("libc10", StringComparison.OrdinalIgnoreCase);

    private static string[] LibrariesOf(string depsFile)
    {
        File.Exists(depsFile).Should().BeTrue($"the solution build writes {depsFile}");
        using JsonDocument deps = JsonDocument.Parse(File.ReadAllText(depsFile));
        return deps.RootElement.GetProperty("libraries").EnumerateObject().Select(library => library.Name).ToArray();
    }

    /// <summary>A project's output folder in the same configuration as this test's (…/bin/Release/net10.0).</summary>
    internal static string BuiltOutput(string area, string project)
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string framework = here.Name;
        string configuration = here.Parent!.Name;
        DirectoryInfo repository = here.Parent.Parent!.Parent!.Parent!.Parent!;
        return Path.Combine(repository.FullName, area, project, "bin", configuration, framework);
    }
}
