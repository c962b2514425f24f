using Hpo.LcPfn.Model;
using Hpo.LcPfn.Training;

namespace Hpo.LcPfn.Tests;

/// <summary>Small sizes that keep torch tests fast on two cores.</summary>
internal static class TinyModels
{
    public static LcPfnArchitecture Architecture(int maxEpochs = 20) => new()
    {
        EmbeddingSize = 32,
        Layers = 2,
        Heads = 2,
        Hidden = 64,
        Buckets = 50,
        MaxEpochs = maxEpochs,
    };

    public static LcPfnTrainingOptions Options(long steps = 6, ulong seed = 7) => new()
    {
        Architecture = Architecture(),
        Steps = steps,
        BatchSize = 8,
        LearningRate = 1e-3,
        BorderCurves = 200,
        CheckpointInterval = 2,
        Threads = 2,
        Seed = seed,
    };

    public static string TempDirectory()
    {
        string dir = Path.Combine(Path.GetTempPath(), "hpo-lcpfn-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
