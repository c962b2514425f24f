using System.Runtime.InteropServices;

namespace Hpo.LcPfn.Tests.Runtime;

/// <summary>
/// The build's native payload rules (src/Hpo.LcPfn/buildTransitive/Hpo.LcPfn.Native.targets), checked on
/// this test project's own output, which the same rules produced.
/// </summary>
public sealed class NativePayloadTests
{
    [Fact]
    public void BuildOutput_RuntimesFolder_HoldsOnlyThisMachinesRid()
    {
        string runtimes = Path.Combine(AppContext.BaseDirectory, "runtimes");
        Assert.True(Directory.Exists(runtimes), $"{runtimes} is missing");
        string rid = RuntimeInformation.RuntimeIdentifier;
        string os = rid[..rid.LastIndexOf('-')];
        string family = os == "win" ? "win" : "unix";

        string[] rids = Directory.GetDirectories(runtimes).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();

        Assert.Contains(rid, rids);
        Assert.All(rids, r => Assert.True(r == rid || r == os || r == family, $"runtimes/{r} does not belong to {rid}"));
    }

    [Fact]
    public void BuildOutput_Libtorch_IsOnlyThisMachinesBuild()
    {
        // libtorch is the bulk of the payload (libtorch_cpu.so alone is 440 MB on linux-x64): exactly one copy.
        var copies = Directory.EnumerateFiles(AppContext.BaseDirectory, "*torch_cpu*", SearchOption.AllDirectories).ToArray();

        Assert.Single(copies);
        Assert.Contains(RuntimeInformation.RuntimeIdentifier, copies[0], StringComparison.Ordinal);
    }
}
