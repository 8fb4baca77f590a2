// Compiled by MSBuild's RoslynCodeTaskFactory from VaeLib.targets (so it runs in any build with no extra
// assembly) and compiled into the unit tests, which exercise the same code. Keep it to netstandard2.0 APIs.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;

namespace VaeLib.Build
{
    /// <summary>The result of <see cref="ElfVersionNeedPatcher.Patch"/> on one file.</summary>
    public enum ElfPatchOutcome
    {
        /// <summary>The version requirement was marked weak.</summary>
        Patched,

        /// <summary>The requirement was already weak; nothing was written.</summary>
        AlreadyWeak,

        /// <summary>The file does not require that version of that library; nothing was written.</summary>
        NotRequired,

        /// <summary>The file is not a 64-bit little-endian ELF file with section headers; nothing was written.</summary>
        NotApplicable,

        /// <summary>
        /// Symbols other than the allowed ones are bound to the version, so marking it weak could let the
        /// library load and then fail on a call; nothing was written.
        /// </summary>
        UnsafeSymbols,

        /// <summary>The ELF structures are inconsistent (offsets outside the file); nothing was written.</summary>
        Malformed,
    }

    /// <summary>
    /// Marks one entry of an ELF shared library's version-needs table (<c>.gnu.version_r</c>, SHT_GNU_verneed)
    /// weak (VER_FLG_WEAK), so the dynamic loader accepts the library when the named version is missing.
    /// </summary>
    /// <remarks>
    /// TorchSharp 0.107's libLibTorchSharp.so was built with GCC 13, whose &lt;iostream&gt; emits an undefined
    /// reference to <c>std::ios_base_library_init()</c> at GLIBCXX_3.4.32. Nothing calls it, but the loader rejects
    /// the library on systems whose libstdc++ predates GCC 13 (Debian 12, Ubuntu 22.04). A weak version need is
    /// only checked when present, so the library loads everywhere. The patch is refused unless every symbol bound
    /// to the version is an undefined symbol from the allowed list.
    /// </remarks>
    public static class ElfVersionNeedPatcher
    {
        private const uint ShtDynsym = 11;
        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const uint ShtGnuVersym = 0x6fffffff;

        /// <summary>The VER_FLG_WEAK bit of <c>vna_flags</c>.</summary>
        public const ushort VerFlagWeak = 0x2;

        /// <summary>Patches an ELF file on disk when its version need is present, strong and safe to weaken.</summary>
        /// <param name="path">ELF file to patch in place (through a temporary file and a rename).</param>
        /// <param name="library">Needed library, e.g. <c>libstdc++.so.6</c>.</param>
        /// <param name="version">Version name, e.g. <c>GLIBCXX_3.4.32</c>.</param>
        /// <param name="allowedSymbols">Symbols that may be bound to the version.</param>
        /// <param name="detail">What was found, for the build log.</param>
        /// <returns>What was done.</returns>
        public static ElfPatchOutcome Patch(
            string path, string library, string version, ICollection<string> allowedSymbols, out string detail)
        {
            byte[] image = File.ReadAllBytes(path);
            ElfPatchOutcome outcome = PatchImage(image, library, version, allowedSymbols, out detail);
            if (outcome == ElfPatchOutcome.Patched)
            {
                // Write beside and rename, so that a hard link into a package cache is never written through
                // and an interrupted build never leaves a half-written library.
                // The original time stamp is kept so that MSBuild's incremental copy sees an unchanged file and
                // does not copy the original over the patched one on every build.
                DateTime lastWrite = File.GetLastWriteTimeUtc(path);
                string temporary = path + ".vaelib-tmp";
                File.Copy(path, temporary, overwrite: true);
                File.WriteAllBytes(temporary, image);
                File.SetLastWriteTimeUtc(temporary, lastWrite);
                File.Replace(temporary, path, destinationBackupFileName: null);
            }

            return outcome;
        }

        /// <summary>Applies the patch to an ELF image held in memory.</summary>
        /// <param name="image">The whole file; modified when the result is <see cref="ElfPatchOutcome.Patched"/>.</param>
        /// <param name="library">Needed library, e.g. <c>libstdc++.so.6</c>.</param>
        /// <param name="version">Version name, e.g. <c>GLIBCXX_3.4.32</c>.</param>
        /// <param name="allowedSymbols">Symbols that may be bound to the version.</param>
        /// <param name="detail">What was found, for the build log.</param>
        /// <returns>What was done.</returns>
        public static ElfPatchOutcome PatchImage(
            byte[] image, string library, string version, ICollection<string> allowedSymbols, out string detail)
        {
            if (image.Length < 64 || image[0] != 0x7f || image[1] != (byte)'E' || image[2] != (byte)'L' || image[3] != (byte)'F'
                || image[4] != 2 || image[5] != 1)
            {
                detail = "not a 64-bit little-endian ELF file";
                return ElfPatchOutcome.NotApplicable;
            }

            ulong sectionTable = U64(image, 0x28);
            int entrySize = U16(image, 0x3a);
            int count = U16(image, 0x3c);
            if (sectionTable == 0 || count == 0)
            {
                detail = "the file has no section headers";
                return ElfPatchOutcome.NotApplicable;
            }

            if (entrySize < 64 || !Fits(image, sectionTable, (ulong)entrySize * (ulong)count))
            {
                detail = "the section header table lies outside the file";
                return ElfPatchOutcome.Malformed;
            }

            Section? verneed = null;
            Section? dynsym = null;
            Section? versym = null;
            var sections = new List<Section>();
            for (int i = 0; i < count; i++)
            {
                int at = (int)sectionTable + (i * entrySize);
                var section = new Section(U32(image, at + 4), U64(image, at + 24), U64(image, at + 32), U32(image, at + 40), U32(image, at + 44));
                if (!Fits(image, section.Offset, section.Size) && section.Type != 8 /* SHT_NOBITS */)
                {
                    detail = "section " + i + " lies outside the file";
                    return ElfPatchOutcome.Malformed;
                }

                sections.Add(section);
                if (section.Type == ShtGnuVerneed)
                {
                    verneed = section;
                }
                else if (section.Type == ShtDynsym)
                {
                    dynsym = section;
                }
                else if (section.Type == ShtGnuVersym)
                {
                    versym = section;
                }
            }

            if (verneed == null)
            {
                detail = "the file has no version-needs section";
                return ElfPatchOutcome.NotRequired;
            }

            if (verneed.Link >= sections.Count)
            {
                detail = "the version-needs section links to a missing string table";
                return ElfPatchOutcome.Malformed;
            }

            Section strings = sections[(int)verneed.Link];
            ulong need = verneed.Offset;
            for (uint n = 0; n < verneed.Info; n++)
            {
                if (!Fits(image, need, 16) || need + 16 > verneed.Offset + verneed.Size)
                {
                    detail = "a version-needs entry lies outside its section";
                    return ElfPatchOutcome.Malformed;
                }

                int auxCount = U16(image, (int)need + 2);
                string? file = ReadString(image, strings, U32(image, (int)need + 4));
                ulong aux = need + U32(image, (int)need + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    if (!Fits(image, aux, 16) || aux + 16 > verneed.Offset + verneed.Size)
                    {
                        detail = "a version-needs auxiliary entry lies outside its section";
                        return ElfPatchOutcome.Malformed;
                    }

                    string? name = ReadString(image, strings, U32(image, (int)aux + 8));
                    if (file == library && name == version)
                    {
                        int flagsAt = (int)aux + 4;
                        ushort flags = (ushort)U16(image, flagsAt);
                        if ((flags & VerFlagWeak) != 0)
                        {
                            detail = version + " is already weak";
                            return ElfPatchOutcome.AlreadyWeak;
                        }

                        int index = U16(image, (int)aux + 6);
                        List<string>? bound = SymbolsBoundTo(image, index, dynsym, versym, sections, out string? problem);
                        if (bound == null)
                        {
                            detail = problem ?? "the dynamic symbols could not be read";
                            return ElfPatchOutcome.Malformed;
                        }

                        foreach (string symbol in bound)
                        {
                            if (!allowedSymbols.Contains(symbol))
                            {
                                detail = "symbol " + symbol + " is bound to " + version + "; marking it weak would not be safe";
                                return ElfPatchOutcome.UnsafeSymbols;
                            }
                        }

                        flags |= VerFlagWeak;
                        image[flagsAt] = (byte)(flags & 0xff);
                        image[flagsAt + 1] = (byte)(flags >> 8);
                        detail = "marked " + library + " " + version + " weak (bound symbols: " + string.Join(", ", bound) + ")";
                        return ElfPatchOutcome.Patched;
                    }

                    uint nextAux = U32(image, (int)aux + 12);
                    if (nextAux == 0)
                    {
                        break;
                    }

                    aux += nextAux;
                }

                uint next = U32(image, (int)need + 12);
                if (next == 0)
                {
                    break;
                }

                need += next;
            }

            detail = "the file does not need " + library + " " + version;
            return ElfPatchOutcome.NotRequired;
        }

        private static List<string>? SymbolsBoundTo(
            byte[] image, int versionIndex, Section? dynsym, Section? versym, List<Section> sections, out string? problem)
        {
            var bound = new List<string>();
            problem = null;
            if (dynsym == null || versym == null)
            {
                return bound;
            }

            if (dynsym.Link >= sections.Count)
            {
                problem = "the dynamic symbol table links to a missing string table";
                return null;
            }

            Section names = sections[(int)dynsym.Link];
            ulong symbols = dynsym.Size / 24;
            if (versym.Size / 2 < symbols)
            {
                problem = "the symbol version table is shorter than the dynamic symbol table";
                return null;
            }

            for (ulong s = 0; s < symbols; s++)
            {
                int entry = (int)(dynsym.Offset + (s * 24));
                int symbolVersion = U16(image, (int)(versym.Offset + (s * 2))) & 0x7fff;
                if (symbolVersion != versionIndex)
                {
                    continue;
                }

                string name = ReadString(image, names, U32(image, entry)) ?? "?";
                bool undefined = U16(image, entry + 6) == 0;
                if (!undefined)
                {
                    // A defined symbol at a needed version is not a reference that can be dropped.
                    name += " (defined)";
                }

                bound.Add(name);
            }

            return bound;
        }

        private static string? ReadString(byte[] image, Section table, uint offset)
        {
            if (offset >= table.Size)
            {
                return null;
            }

            int start = (int)(table.Offset + offset);
            int end = start;
            int limit = (int)(table.Offset + table.Size);
            while (end < limit && image[end] != 0)
            {
                end++;
            }

            return Encoding.UTF8.GetString(image, start, end - start);
        }

        private static bool Fits(byte[] image, ulong offset, ulong length) =>
            offset <= (ulong)image.Length && length <= (ulong)image.Length - offset;

        private static int U16(byte[] b, int at) => b[at] | (b[at + 1] << 8);

        private static uint U32(byte[] b, int at) => (uint)(b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24));

        private static ulong U64(byte[] b, int at) => U32(b, at) | ((ulong)U32(b, at + 4) << 32);

        private sealed class Section
        {
            public Section(uint type, ulong offset, ulong size, uint link, uint info)
            {
                Type = type;
                Offset = offset;
                Size = size;
                Link = link;
                Info = info;
            }

            public uint Type { get; }

            public ulong Offset { get; }

            public ulong Size { get; }

            public uint Link { get; }

            public uint Info { get; }
        }
    }

    /// <summary>
    /// MSBuild task: applies <see cref="ElfVersionNeedPatcher"/> to the given files in a build or publish output.
    /// Logs one message when it changes anything; never fails the build (a file it cannot patch is left as is
    /// and reported as a warning only when the patch was needed but refused).
    /// </summary>
    public sealed class WeakenElfVersionNeed : Microsoft.Build.Utilities.Task
    {
        /// <summary>Files to patch (copies in the output folder, never the package cache).</summary>
        [Required]
        public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

        /// <summary>Needed library, e.g. <c>libstdc++.so.6</c>.</summary>
        [Required]
        public string Library { get; set; } = string.Empty;

        /// <summary>Version to mark weak, e.g. <c>GLIBCXX_3.4.32</c>.</summary>
        [Required]
        public string Version { get; set; } = string.Empty;

        /// <summary>Symbols that may be bound to the version, separated by semicolons.</summary>
        public string[] AllowedSymbols { get; set; } = Array.Empty<string>();

        /// <inheritdoc />
        public override bool Execute()
        {
            var allowed = new HashSet<string>(AllowedSymbols, StringComparer.Ordinal);
            var patched = new List<string>();
            foreach (ITaskItem item in Files)
            {
                string path = item.GetMetadata("FullPath");
                if (!File.Exists(path))
                {
                    continue;
                }

                ElfPatchOutcome outcome;
                string detail;
                try
                {
                    outcome = ElfVersionNeedPatcher.Patch(path, Library, Version, allowed, out detail);
                }
                catch (IOException exception)
                {
                    Log.LogWarning("VaeLib: could not patch {0}: {1}", path, exception.Message);
                    continue;
                }
                catch (UnauthorizedAccessException exception)
                {
                    Log.LogWarning("VaeLib: could not patch {0}: {1}", path, exception.Message);
                    continue;
                }

                if (outcome == ElfPatchOutcome.Patched)
                {
                    patched.Add(path);
                }
                else if (outcome == ElfPatchOutcome.UnsafeSymbols || outcome == ElfPatchOutcome.Malformed)
                {
                    Log.LogWarning("VaeLib: left {0} unchanged: {1}", path, detail);
                }
                else
                {
                    Log.LogMessage(MessageImportance.Low, "VaeLib: {0}: {1}", path, detail);
                }
            }

            if (patched.Count > 0)
            {
                Log.LogMessage(
                    MessageImportance.High,
                    "VaeLib: marked {0} {1} as a weak requirement in {2} so TorchSharp loads with older libstdc++ (Debian 12, Ubuntu 22.04); set VaeLibPatchNativeLibraries=false to turn this off.",
                    Library,
                    Version,
                    string.Join(", ", patched));
            }

            return !Log.HasLoggedErrors;
        }
    }
}
