using Hpo.LcPfn.Native;

// Usage: Hpo.ElfPatch <application folder>
// Run by eng/TorchSharpFix.targets after build and publish of every project that carries TorchSharp.
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: Hpo.ElfPatch <application folder>");
    return 2;
}

try
{
    foreach (var (path, outcome) in TorchSharpNativeFix.Apply(args[0]))
    {
        Console.WriteLine($"hpo-elfpatch: {outcome}: {path}");
    }

    return 0;
}
catch (Exception ex) when (ex is ElfFormatException or IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"hpo-elfpatch: error: {ex.Message}");
    return 1;
}
