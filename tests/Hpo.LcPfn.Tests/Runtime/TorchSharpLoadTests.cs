using Hpo.LcPfn.Native;
using Hpo.LcPfn.Runtime;
using TorchSharp;

namespace Hpo.LcPfn.Tests.Runtime;

[Collection(TorchCollection.Name)]
public sealed class TorchSharpLoadTests
{
    [Fact]
    public void EnsureLoaded_OnThisMachine_LoadsAndComputesMatmul()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = torch.NewDisposeScope();
        var a = torch.tensor(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]);
        var b = torch.tensor(new float[] { 7, 8, 9, 10, 11, 12 }, [3, 2]);

        float[] c = torch.matmul(a, b).data<float>().ToArray();

        Assert.Equal(new float[] { 58, 64, 139, 154 }, c);
    }

    [Fact]
    public void GlueLibrary_InTestOutput_IsPatchedExactlyWhenTheSystemNeedsIt()
    {
        var glue = TorchSharpNativeFix.FindGlueLibraries(AppContext.BaseDirectory);
        Assert.NotEmpty(glue);
        bool needed = LibStdCxxProbe.TorchSharpFixNeeded();
        foreach (string lib in glue)
        {
            var req = ElfVersionNeedPatcher.ReadRequirements(File.ReadAllBytes(lib))
                .Single(r => r.Version == ElfVersionNeedPatcher.TorchSharpExtraVersion);
            if (needed)
            {
                Assert.True(req.IsWeak, $"{lib} should have been patched by the build");
            }
        }
    }
}
