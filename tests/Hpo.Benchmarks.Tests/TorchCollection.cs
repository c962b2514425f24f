using Hpo.LcPfn.Runtime;
using TorchSharp;

namespace Hpo.Benchmarks.Tests;

/// <summary>All tests that use torch run in one sequential collection with a fixed seed.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchCollection : ICollectionFixture<TorchFixture>
{
    public const string Name = "torch";
}

public sealed class TorchFixture
{
    public TorchFixture()
    {
        TorchRuntime.EnsureLoaded();
        torch.manual_seed(1234);
    }
}
