namespace Hpo.LcPfn.Native;

/// <summary>One <c>Elf64_Vernaux</c> record: a symbol version an ELF object needs from a library.</summary>
/// <param name="Library">The needed library (<c>vn_file</c>), e.g. <c>libstdc++.so.6</c>.</param>
/// <param name="Version">The version name (<c>vna_name</c>), e.g. <c>GLIBCXX_3.4.32</c>.</param>
/// <param name="Flags">The raw <c>vna_flags</c>; bit <see cref="ElfVersionNeedPatcher.VerFlagWeak"/> marks it optional.</param>
/// <param name="FlagsOffset">File offset of <c>vna_flags</c>.</param>
public sealed record ElfVersionRequirement(string Library, string Version, ushort Flags, long FlagsOffset)
{
    /// <summary>Whether the dynamic loader treats a missing version as acceptable.</summary>
    public bool IsWeak => (Flags & ElfVersionNeedPatcher.VerFlagWeak) != 0;
}
