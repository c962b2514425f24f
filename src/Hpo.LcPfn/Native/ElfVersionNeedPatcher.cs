using System.Buffers.Binary;
using System.Text;

namespace Hpo.LcPfn.Native;

/// <summary>
/// Reads and edits the GNU symbol-versioning sections of little-endian ELF64 files.
/// </summary>
/// <remarks>
/// TorchSharp 0.107's <c>libLibTorchSharp.so</c> records a mandatory need for <c>GLIBCXX_3.4.32</c>
/// (GCC 13) although no relocation uses it; Debian 12's libstdc++ stops at 3.4.30, so the loader
/// refuses the library. glibc treats a <c>Vernaux</c> record with <c>VER_FLG_WEAK</c> as optional,
/// so setting that one bit in the application's copy is the whole fix
/// (see <c>docs/torchsharp-on-debian12.md</c>).
/// </remarks>
public static class ElfVersionNeedPatcher
{
    /// <summary><c>VER_FLG_WEAK</c>: the version requirement is optional.</summary>
    public const ushort VerFlagWeak = 0x2;

    /// <summary>The one version TorchSharp's glue library needs beyond Debian 12's libstdc++.</summary>
    public const string TorchSharpExtraVersion = "GLIBCXX_3.4.32";

    private const uint ShtGnuVerdef = 0x6ffffffd;
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const int HeaderSize = 64;
    private const int SectionHeaderSize = 64;
    private const int VerneedSize = 16;
    private const int VernauxSize = 16;

    /// <summary>Lists every version requirement (<c>.gnu.version_r</c>) of an ELF64 image.</summary>
    /// <exception cref="ElfFormatException">The bytes are not a complete little-endian ELF64 object.</exception>
    public static IReadOnlyList<ElfVersionRequirement> ReadRequirements(ReadOnlySpan<byte> elf)
    {
        var result = new List<ElfVersionRequirement>();
        var sections = ReadSections(elf);
        foreach (var section in sections)
        {
            if (section.Type != ShtGnuVerneed)
            {
                continue;
            }

            var strtab = StringTable(sections, section.Link);
            long entry = checked((long)section.Offset);
            // sh_info holds the record count; vn_next chains them. Bound the walk by both so a
            // corrupt chain cannot loop forever.
            for (uint i = 0; i < section.Info; i++)
            {
                Require(elf, entry, VerneedSize, "Elf64_Verneed");
                ushort count = U16(elf, entry + 2);
                string file = ReadString(elf, strtab, U32(elf, entry + 4));
                long aux = entry + U32(elf, entry + 8);
                for (int j = 0; j < count; j++)
                {
                    Require(elf, aux, VernauxSize, "Elf64_Vernaux");
                    string name = ReadString(elf, strtab, U32(elf, aux + 8));
                    result.Add(new ElfVersionRequirement(file, name, U16(elf, aux + 4), aux + 4));
                    uint nextAux = U32(elf, aux + 12);
                    if (nextAux == 0)
                    {
                        break;
                    }

                    aux += nextAux;
                }

                uint next = U32(elf, entry + 12);
                if (next == 0)
                {
                    break;
                }

                entry += next;
            }
        }

        return result;
    }

    /// <summary>Lists the version names an ELF64 image defines (<c>.gnu.version_d</c>), e.g. a libstdc++'s GLIBCXX_* set.</summary>
    /// <exception cref="ElfFormatException">The bytes are not a complete little-endian ELF64 object.</exception>
    public static IReadOnlySet<string> ReadDefinitions(ReadOnlySpan<byte> elf)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        var sections = ReadSections(elf);
        foreach (var section in sections)
        {
            if (section.Type != ShtGnuVerdef)
            {
                continue;
            }

            var strtab = StringTable(sections, section.Link);
            long entry = checked((long)section.Offset);
            for (uint i = 0; i < section.Info; i++)
            {
                Require(elf, entry, 20, "Elf64_Verdef");
                ushort count = U16(elf, entry + 6);
                long aux = entry + U32(elf, entry + 12);
                // The first Verdaux names the version itself; later ones name its predecessors.
                if (count > 0)
                {
                    Require(elf, aux, 8, "Elf64_Verdaux");
                    result.Add(ReadString(elf, strtab, U32(elf, aux)));
                }

                uint next = U32(elf, entry + 16);
                if (next == 0)
                {
                    break;
                }

                entry += next;
            }
        }

        return result;
    }

    /// <summary>
    /// Marks the requirement of <paramref name="version"/> weak in <paramref name="elf"/> (in memory).
    /// Idempotent: a second call reports <see cref="ElfPatchOutcome.AlreadyWeak"/> and changes nothing.
    /// </summary>
    /// <exception cref="ElfFormatException">The bytes are not a complete little-endian ELF64 object.</exception>
    public static ElfPatchOutcome MakeWeak(Span<byte> elf, string version)
    {
        ArgumentException.ThrowIfNullOrEmpty(version);
        var matches = ReadRequirements(elf).Where(r => r.Version == version).ToList();
        if (matches.Count == 0)
        {
            return ElfPatchOutcome.VersionNotRequired;
        }

        if (matches.TrueForAll(r => r.IsWeak))
        {
            return ElfPatchOutcome.AlreadyWeak;
        }

        foreach (var r in matches)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(elf[(int)r.FlagsOffset..], (ushort)(r.Flags | VerFlagWeak));
        }

        return ElfPatchOutcome.Patched;
    }

    /// <summary>
    /// Marks the requirement of <paramref name="version"/> weak in the file at <paramref name="path"/>.
    /// The new content is written to a temporary file and renamed over the original, so a hard link
    /// into a package cache is never modified and an interrupted write never leaves a torn file.
    /// </summary>
    /// <exception cref="ElfFormatException">The file is not a complete little-endian ELF64 object.</exception>
    public static ElfPatchOutcome MakeWeak(string path, string version)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var outcome = MakeWeak(bytes, version);
        if (outcome != ElfPatchOutcome.Patched)
        {
            return outcome;
        }

        string temp = path + ".hpo-patch-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        File.WriteAllBytes(temp, bytes);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, File.GetUnixFileMode(path));
        }

        File.Move(temp, path, overwrite: true);
        return outcome;
    }

    private readonly record struct Section(uint Type, ulong Offset, ulong Size, uint Link, uint Info);

    private static List<Section> ReadSections(ReadOnlySpan<byte> elf)
    {
        if (elf.Length < 16 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
        {
            throw new ElfFormatException("Not an ELF file: the magic bytes 0x7F 'E' 'L' 'F' are missing.");
        }

        if (elf[4] != 2)
        {
            throw new ElfFormatException($"Unsupported ELF class {elf[4]}: only ELF64 (class 2) is supported.");
        }

        if (elf[5] != 1)
        {
            throw new ElfFormatException($"Unsupported ELF data encoding {elf[5]}: only little-endian (1) is supported.");
        }

        Require(elf, 0, HeaderSize, "ELF header");
        ulong shoff = U64(elf, 40);
        ushort shentsize = U16(elf, 58);
        ushort shnum = U16(elf, 60);
        if (shnum == 0)
        {
            return [];
        }

        if (shentsize != SectionHeaderSize)
        {
            throw new ElfFormatException($"Unexpected section header size {shentsize} (expected {SectionHeaderSize}).");
        }

        var sections = new List<Section>(shnum);
        for (int i = 0; i < shnum; i++)
        {
            long at = checked((long)shoff + ((long)i * SectionHeaderSize));
            Require(elf, at, SectionHeaderSize, $"section header {i}");
            sections.Add(new Section(U32(elf, at + 4), U64(elf, at + 24), U64(elf, at + 32), U32(elf, at + 40), U32(elf, at + 44)));
        }

        foreach (var s in sections.Where(s => s.Type is ShtGnuVerneed or ShtGnuVerdef))
        {
            Require(elf, checked((long)s.Offset), checked((long)s.Size), "version section");
            if (s.Link >= sections.Count)
            {
                throw new ElfFormatException($"Version section links to string table {s.Link}, but the file has {sections.Count} sections.");
            }
        }

        foreach (var s in sections.Where(s => s.Type is ShtGnuVerneed or ShtGnuVerdef))
        {
            var link = sections[(int)s.Link];
            Require(elf, checked((long)link.Offset), checked((long)link.Size), "string table");
        }

        return sections;
    }

    private static (long Offset, long Size) StringTable(List<Section> sections, uint index)
    {
        var s = sections[(int)index];
        return ((long)s.Offset, (long)s.Size);
    }

    private static string ReadString(ReadOnlySpan<byte> elf, (long Offset, long Size) table, uint index)
    {
        if (index >= table.Size)
        {
            throw new ElfFormatException($"String index {index} lies outside its string table ({table.Size} bytes).");
        }

        var bytes = elf.Slice((int)(table.Offset + index), (int)(table.Size - index));
        int end = bytes.IndexOf((byte)0);
        if (end < 0)
        {
            throw new ElfFormatException("Unterminated string in string table.");
        }

        return Encoding.ASCII.GetString(bytes[..end]);
    }

    private static void Require(ReadOnlySpan<byte> elf, long offset, long length, string what)
    {
        if (offset < 0 || length < 0 || offset + length > elf.Length)
        {
            throw new ElfFormatException($"Truncated ELF file: the {what} at offset {offset} (+{length} bytes) lies beyond its end ({elf.Length} bytes).");
        }
    }

    private static ushort U16(ReadOnlySpan<byte> b, long at) => BinaryPrimitives.ReadUInt16LittleEndian(b[(int)at..]);

    private static uint U32(ReadOnlySpan<byte> b, long at) => BinaryPrimitives.ReadUInt32LittleEndian(b[(int)at..]);

    private static ulong U64(ReadOnlySpan<byte> b, long at) => BinaryPrimitives.ReadUInt64LittleEndian(b[(int)at..]);
}
