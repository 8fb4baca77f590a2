using System.Collections;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using VaeLib.Build;

namespace VaeLib.Tests.Build;

public sealed class WeakenElfVersionNeedTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("vaelib-task-").FullName;

    [Fact]
    public void Patches_every_file_and_logs_one_message_then_nothing_on_the_next_build()
    {
        string[] files = [Path.Combine(folder, "a.so"), Path.Combine(folder, "b.so"), Path.Combine(folder, "missing.so")];
        File.WriteAllBytes(files[0], SyntheticElf.Build());
        File.WriteAllBytes(files[1], SyntheticElf.Build());
        var engine = new RecordingBuildEngine();

        CreateTask(engine, files).Execute().Should().BeTrue();

        engine.Messages.Where(m => m.Importance == MessageImportance.High).Should().ContainSingle()
            .Which.Message.Should().Contain("a.so").And.Contain("b.so").And.Contain("VaeLibPatchNativeLibraries=false");
        File.ReadAllBytes(files[0])[SyntheticElf.NewVersionFlagsOffset].Should().Be((byte)ElfVersionNeedPatcher.VerFlagWeak);
        File.ReadAllBytes(files[1])[SyntheticElf.NewVersionFlagsOffset].Should().Be((byte)ElfVersionNeedPatcher.VerFlagWeak);

        var again = new RecordingBuildEngine();
        CreateTask(again, files).Execute().Should().BeTrue();
        again.Messages.Should().NotContain(m => m.Importance == MessageImportance.High);
        again.Warnings.Should().BeEmpty();
    }

    [Fact]
    public void Warns_and_leaves_the_file_when_the_patch_would_be_unsafe()
    {
        string file = Path.Combine(folder, "unsafe.so");
        byte[] original = SyntheticElf.Build(otherSymbolVersion: 2);
        File.WriteAllBytes(file, original);
        var engine = new RecordingBuildEngine();

        CreateTask(engine, [file]).Execute().Should().BeTrue("the build is not failed");

        engine.Warnings.Should().ContainSingle().Which.Should().Contain(SyntheticElf.OtherSymbol);
        File.ReadAllBytes(file).Should().Equal(original);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static WeakenElfVersionNeed CreateTask(IBuildEngine engine, string[] files) => new()
    {
        BuildEngine = engine,
        Files = files.Select(file => (ITaskItem)new TaskItem(file)).ToArray(),
        Library = "libstdc++.so.6",
        Version = "GLIBCXX_3.4.32",
        AllowedSymbols = [SyntheticElf.MarkerSymbol],
    };

    private sealed class RecordingBuildEngine : IBuildEngine
    {
        public List<BuildMessageEventArgs> Messages { get; } = [];

        public List<string> Warnings { get; } = [];

        public bool ContinueOnError => false;

        public int LineNumberOfTaskNode => 0;

        public int ColumnNumberOfTaskNode => 0;

        public string ProjectFileOfTaskNode => "test.proj";

        public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) => false;

        public void LogCustomEvent(CustomBuildEventArgs e)
        {
        }

        public void LogErrorEvent(BuildErrorEventArgs e) => throw new InvalidOperationException(e.Message);

        public void LogMessageEvent(BuildMessageEventArgs e) => Messages.Add(e);

        public void LogWarningEvent(BuildWarningEventArgs e) => Warnings.Add(e.Message ?? string.Empty);
    }
}
