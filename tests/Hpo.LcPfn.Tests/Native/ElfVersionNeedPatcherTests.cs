using Hpo.LcPfn.Native;

namespace Hpo.LcPfn.Tests.Native;

public sealed class ElfVersionNeedPatcherTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hpo-elf-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ReadRequirements_SyntheticElf_ListsEveryVernaux()
    {
        byte[] elf = SyntheticElf.Build(("libstdc++.so.6", ["GLIBCXX_3.4.32", "GLIBCXX_3.4"]), ("libc.so.6", ["GLIBC_2.2.5"]));

        var reqs = ElfVersionNeedPatcher.ReadRequirements(elf);

        Assert.Equal(3, reqs.Count);
        Assert.Contains(reqs, r => r is { Library: "libstdc++.so.6", Version: "GLIBCXX_3.4.32", IsWeak: false });
        Assert.Contains(reqs, r => r is { Library: "libstdc++.so.6", Version: "GLIBCXX_3.4" });
        Assert.Contains(reqs, r => r is { Library: "libc.so.6", Version: "GLIBC_2.2.5" });
    }

    [Fact]
    public void MakeWeak_MandatoryRequirement_SetsOnlyTheWeakBitOfThatRecord()
    {
        byte[] elf = SyntheticElf.Build(("libstdc++.so.6", ["GLIBCXX_3.4.32", "GLIBCXX_3.4"]));
        byte[] before = (byte[])elf.Clone();

        var outcome = ElfVersionNeedPatcher.MakeWeak(elf, "GLIBCXX_3.4.32");

        Assert.Equal(ElfPatchOutcome.Patched, outcome);
        var target = ElfVersionNeedPatcher.ReadRequirements(elf).Single(r => r.Version == "GLIBCXX_3.4.32");
        Assert.True(target.IsWeak);
        Assert.False(ElfVersionNeedPatcher.ReadRequirements(elf).Single(r => r.Version == "GLIBCXX_3.4").IsWeak);
        int[] changed = Enumerable.Range(0, elf.Length).Where(i => elf[i] != before[i]).ToArray();
        Assert.Equal([(int)target.FlagsOffset], changed);
        Assert.Equal(ElfVersionNeedPatcher.VerFlagWeak, elf[target.FlagsOffset] ^ before[target.FlagsOffset]);
    }

    [Fact]
    public void MakeWeak_SecondCall_IsIdempotent()
    {
        string path = Path.Combine(_dir, "lib.so");
        File.WriteAllBytes(path, SyntheticElf.Build(("libstdc++.so.6", ["GLIBCXX_3.4.32"])));

        Assert.Equal(ElfPatchOutcome.Patched, ElfVersionNeedPatcher.MakeWeak(path, "GLIBCXX_3.4.32"));
        byte[] once = File.ReadAllBytes(path);
        Assert.Equal(ElfPatchOutcome.AlreadyWeak, ElfVersionNeedPatcher.MakeWeak(path, "GLIBCXX_3.4.32"));
        Assert.Equal(once, File.ReadAllBytes(path));
    }

    [Fact]
    public void MakeWeak_VersionAbsent_LeavesFileUntouched()
    {
        string path = Path.Combine(_dir, "lib.so");
        byte[] original = SyntheticElf.Build(("libstdc++.so.6", ["GLIBCXX_3.4"]));
        File.WriteAllBytes(path, original);
        var stamp = File.GetLastWriteTimeUtc(path);

        Assert.Equal(ElfPatchOutcome.VersionNotRequired, ElfVersionNeedPatcher.MakeWeak(path, "GLIBCXX_3.4.32"));
        Assert.Equal(original, File.ReadAllBytes(path));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(path));
    }

    [Fact]
    public void MakeWeak_HardLinkedFile_DoesNotModifyTheOtherLink()
    {
        string cache = Path.Combine(_dir, "cache.so");
        string output = Path.Combine(_dir, "output.so");
        byte[] original = SyntheticElf.Build(("libstdc++.so.6", ["GLIBCXX_3.4.32"]));
        File.WriteAllBytes(cache, original);
        using (var ln = System.Diagnostics.Process.Start("ln", [cache, output]))
        {
            ln.WaitForExit();
            Assert.Equal(0, ln.ExitCode);
        }

        ElfVersionNeedPatcher.MakeWeak(output, "GLIBCXX_3.4.32");

        Assert.Equal(original, File.ReadAllBytes(cache));
    }

    [Fact]
    public void ReadRequirements_NotElf_ThrowsNamingMagic()
    {
        var ex = Assert.Throws<ElfFormatException>(() => ElfVersionNeedPatcher.ReadRequirements("#!/bin/sh\necho hi\n"u8.ToArray()));
        Assert.Contains("magic", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void ReadRequirements_Elf32_ThrowsUnsupportedClass()
    {
        byte[] elf = SyntheticElf.Build(("libc.so.6", ["GLIBC_2.2.5"]));
        elf[4] = 1;
        var ex = Assert.Throws<ElfFormatException>(() => ElfVersionNeedPatcher.ReadRequirements(elf));
        Assert.Contains("ELF64", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(63)]
    [InlineData(200)]
    public void ReadRequirements_Truncated_ThrowsTruncated(int keep)
    {
        byte[] elf = SyntheticElf.Build(("libstdc++.so.6", ["GLIBCXX_3.4.32"]));
        byte[] cut = elf[..Math.Min(keep, elf.Length - 1)];
        var ex = Assert.Throws<ElfFormatException>(() => ElfVersionNeedPatcher.ReadRequirements(cut));
        Assert.True(ex.Message.Contains("Truncated", StringComparison.Ordinal) || ex.Message.Contains("magic", StringComparison.Ordinal), ex.Message);
    }

    [Fact]
    public void MakeWeak_TruncatedFile_ThrowsAndWritesNothing()
    {
        string path = Path.Combine(_dir, "cut.so");
        byte[] cut = SyntheticElf.Build(("libstdc++.so.6", ["GLIBCXX_3.4.32"]))[..100];
        File.WriteAllBytes(path, cut);

        Assert.Throws<ElfFormatException>(() => ElfVersionNeedPatcher.MakeWeak(path, "GLIBCXX_3.4.32"));
        Assert.Equal(cut, File.ReadAllBytes(path));
    }

    [Fact]
    public void ReadDefinitions_SyntheticVerdef_ListsNames()
    {
        byte[] elf = SyntheticElf.BuildWithDefinitions("GLIBCXX_3.4", "GLIBCXX_3.4.30");
        var defs = ElfVersionNeedPatcher.ReadDefinitions(elf);
        Assert.Contains("GLIBCXX_3.4.30", defs);
        Assert.DoesNotContain("GLIBCXX_3.4.32", defs);
    }

    [Fact]
    public void Apply_FixNotNeeded_LeavesGlueLibraryUntouched()
    {
        string native = Directory.CreateDirectory(Path.Combine(_dir, "runtimes", "linux-x64", "native")).FullName;
        string glue = Path.Combine(native, TorchSharpNativeFix.GlueLibraryName);
        byte[] original = SyntheticElf.Build(("libstdc++.so.6", ["GLIBCXX_3.4.32"]));
        File.WriteAllBytes(glue, original);

        var results = TorchSharpNativeFix.Apply(_dir, fixNeeded: false);

        Assert.Equal([(glue, ElfPatchOutcome.NotNeeded)], results);
        Assert.Equal(original, File.ReadAllBytes(glue));
    }

    [Fact]
    public void Apply_FixNeeded_PatchesGlueLibraryUnderRuntimes()
    {
        string native = Directory.CreateDirectory(Path.Combine(_dir, "runtimes", "linux-x64", "native")).FullName;
        string glue = Path.Combine(native, TorchSharpNativeFix.GlueLibraryName);
        File.WriteAllBytes(glue, SyntheticElf.Build(("libstdc++.so.6", ["GLIBCXX_3.4.32"])));

        var results = TorchSharpNativeFix.Apply(_dir, fixNeeded: true);

        Assert.Equal([(glue, ElfPatchOutcome.Patched)], results);
        Assert.True(ElfVersionNeedPatcher.ReadRequirements(File.ReadAllBytes(glue)).Single().IsWeak);
    }

    [Fact]
    public void ReadRequirements_RealSystemLibrary_ParsesWithoutError()
    {
        string? lib = LibStdCxxProbe.FindSystemLibStdCxx();
        if (lib is null)
        {
            Assert.False(OperatingSystem.IsLinux(), "Linux machine without a findable libstdc++.so.6");
            return;
        }

        var reqs = ElfVersionNeedPatcher.ReadRequirements(File.ReadAllBytes(lib));
        Assert.Contains(reqs, r => r.Library.StartsWith("libc.so", StringComparison.Ordinal));
        Assert.Contains("GLIBCXX_3.4", ElfVersionNeedPatcher.ReadDefinitions(File.ReadAllBytes(lib)));
    }
}
