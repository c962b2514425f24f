using Hpo.LcPfn.Native;

// Usage: Hpo.ElfPatch [--force] <application folder>
// Run by src/Hpo.LcPfn/buildTransitive/Hpo.LcPfn.Native.targets after build and publish of every project
// that carries TorchSharp. --force marks the requirement weak even where this machine's libstdc++ has the
// version: a package packed here may run on a Debian 12 machine, and a weak requirement costs nothing
// where the version exists.
bool force = args.Length == 2 && args[0] == "--force";
if (args.Length != 1 && !force)
{
    Console.Error.WriteLine("usage: Hpo.ElfPatch [--force] <application folder>");
    return 2;
}

try
{
    foreach (var (path, outcome) in TorchSharpNativeFix.Apply(args[^1], force ? true : null))
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
