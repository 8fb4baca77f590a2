using System.Diagnostics;
using VaeLib.Build;

namespace VaeLib.Tests.Build;

public sealed class ElfVersionNeedPatcherTests : IDisposable
{
    private const string Library = "libstdc++.so.6";
    private const string Version = "GLIBCXX_3.4.32";
    private static readonly HashSet<string> Allowed = [SyntheticElf.MarkerSymbol];
    private readonly string folder = Directory.CreateTempSubdirectory("vaelib-elf-").FullName;

    [Fact]
    public void Marks_the_marker_only_version_weak_and_changes_nothing_else()
    {
        byte[] original = SyntheticElf.Build();
        byte[] image = (byte[])original.Clone();

        ElfPatchOutcome outcome = ElfVersionNeedPatcher.PatchImage(image, Library, Version, Allowed, out string detail);

        outcome.Should().Be(ElfPatchOutcome.Patched);
        detail.Should().Contain(SyntheticElf.MarkerSymbol);
        image[SyntheticElf.NewVersionFlagsOffset].Should().Be((byte)ElfVersionNeedPatcher.VerFlagWeak);
        Enumerable.Range(0, image.Length).Count(i => image[i] != original[i]).Should().Be(1);
    }

    [Fact]
    public void Is_idempotent()
    {
        byte[] image = SyntheticElf.Build();
        ElfVersionNeedPatcher.PatchImage(image, Library, Version, Allowed, out _);
        byte[] once = (byte[])image.Clone();

        ElfVersionNeedPatcher.PatchImage(image, Library, Version, Allowed, out _).Should().Be(ElfPatchOutcome.AlreadyWeak);

        image.Should().Equal(once);
    }

    [Fact]
    public void Refuses_when_a_real_symbol_is_bound_to_the_version()
    {
        byte[] original = SyntheticElf.Build(otherSymbolVersion: 2);
        byte[] image = (byte[])original.Clone();

        ElfVersionNeedPatcher.PatchImage(image, Library, Version, Allowed, out string detail).Should().Be(ElfPatchOutcome.UnsafeSymbols);

        detail.Should().Contain(SyntheticElf.OtherSymbol);
        image.Should().Equal(original);
    }

    [Fact]
    public void Leaves_files_that_do_not_need_the_version_alone()
    {
        byte[] image = SyntheticElf.Build();

        ElfVersionNeedPatcher.PatchImage(image, Library, "GLIBCXX_3.4.99", Allowed, out _).Should().Be(ElfPatchOutcome.NotRequired);
        ElfVersionNeedPatcher.PatchImage(image, "libfoo.so.1", Version, Allowed, out _).Should().Be(ElfPatchOutcome.NotRequired);
        image.Should().Equal(SyntheticElf.Build());
    }

    [Fact]
    public void Ignores_files_that_are_not_elf()
    {
        byte[] text = "MZ this is not an ELF file, it is a Windows one perhaps"u8.ToArray();

        ElfVersionNeedPatcher.PatchImage(text, Library, Version, Allowed, out _).Should().Be(ElfPatchOutcome.NotApplicable);
        ElfVersionNeedPatcher.PatchImage([], Library, Version, Allowed, out _).Should().Be(ElfPatchOutcome.NotApplicable);
    }

    [Fact]
    public void Never_throws_or_patches_on_a_file_truncated_at_any_length()
    {
        byte[] full = SyntheticElf.Build();
        for (int length = 0; length < full.Length; length++)
        {
            byte[] truncated = full[..length];

            ElfPatchOutcome outcome = ElfVersionNeedPatcher.PatchImage(truncated, Library, Version, Allowed, out _);

            outcome.Should().BeOneOf([ElfPatchOutcome.NotApplicable, ElfPatchOutcome.Malformed], $"the file is cut at {length} of {full.Length} bytes");
        }
    }

    [Fact]
    public void Never_throws_on_random_corruption()
    {
        var random = new Random(1);
        byte[] full = SyntheticElf.Build();
        for (int trial = 0; trial < 2000; trial++)
        {
            byte[] corrupt = (byte[])full.Clone();
            for (int flips = random.Next(1, 6); flips > 0; flips--)
            {
                corrupt[random.Next(16, corrupt.Length)] = (byte)random.Next(256);
            }

            Action patch = () => ElfVersionNeedPatcher.PatchImage(corrupt, Library, Version, Allowed, out _);

            patch.Should().NotThrow($"trial {trial}");
        }
    }

    [Fact]
    public void Patching_a_file_keeps_its_time_stamp_and_never_writes_through_a_hard_link()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        string cached = Path.Combine(folder, "cache.so");
        string output = Path.Combine(folder, "output.so");
        File.WriteAllBytes(cached, SyntheticElf.Build());
        var stamp = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(cached, stamp);
        using (var link = Process.Start("ln", [cached, output]))
        {
            link.WaitForExit();
            link.ExitCode.Should().Be(0);
        }

        ElfVersionNeedPatcher.Patch(output, Library, Version, Allowed, out _).Should().Be(ElfPatchOutcome.Patched);

        File.ReadAllBytes(cached).Should().Equal(SyntheticElf.Build(), "the linked original (a package cache) is untouched");
        File.ReadAllBytes(output)[SyntheticElf.NewVersionFlagsOffset].Should().Be((byte)ElfVersionNeedPatcher.VerFlagWeak);
        File.GetLastWriteTimeUtc(output).Should().Be(stamp);
        Directory.GetFiles(folder).Should().HaveCount(2, "no temporary file is left behind");
    }

    [Fact]
    public void The_real_libtorchsharp_needs_the_patch_and_the_build_output_has_it()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        string output = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        File.Exists(output).Should().BeTrue("the test project references TorchSharp-cpu");
        byte[] patched = File.ReadAllBytes(output);
        ElfVersionNeedPatcher.PatchImage(patched, Library, Version, Allowed, out _).Should().Be(ElfPatchOutcome.AlreadyWeak, "the build step ran");

        string? original = FindInPackageCache("libLibTorchSharp.so");
        original.Should().NotBeNull("the original is in the NuGet package folder");
        byte[] image = File.ReadAllBytes(original!);
        byte[] before = (byte[])image.Clone();
        ElfVersionNeedPatcher.PatchImage(image, Library, Version, Allowed, out string detail).Should().Be(ElfPatchOutcome.Patched, "the package's copy is never patched");
        detail.Should().Contain(SyntheticElf.MarkerSymbol);
        Enumerable.Range(0, image.Length).Count(i => image[i] != before[i]).Should().Be(1);
        image.Should().Equal(patched, "the build output differs from the package's copy by exactly this flag");
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static string? FindInPackageCache(string fileName)
    {
        string root = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string packages = Path.Combine(root, "torchsharp");
        return Directory.Exists(packages)
            ? Directory.EnumerateDirectories(packages)
                .Select(version => Path.Combine(version, "runtimes", "linux-x64", "native", fileName))
                .FirstOrDefault(File.Exists)
            : null;
    }
}
