using Hpo.LcPfn.Inference;
using Hpo.Scheduler.Prediction;
using Hpo.LcPfn.Model;
using Hpo.LcPfn.Training;
using Hpo.Testing;

namespace Hpo.Benchmarks.Tests.TestDoubles;

/// <summary>A real LC-PFN, tiny and trained for two steps (seconds): enough for structural benchmark tests.</summary>
internal static class TinyLcPfn
{
    /// <summary>Trains the model into a temporary file and returns a predictor that owns it (another <paramref name="seed"/>, another model).</summary>
    public static async Task<LcPfnPredictor> CreateAsync(int maxEpochs = 100, ulong seed = 0)
    {
        string path = Path.Combine(TestTemp.Folder("hpo-bench-tests"), "tiny.lcpfn");
        var options = new LcPfnTrainingOptions
        {
            Architecture = new LcPfnArchitecture { EmbeddingSize = 32, Layers = 1, Heads = 1, Hidden = 64, Buckets = 50, MaxEpochs = maxEpochs },
            Steps = 2,
            BatchSize = 8,
            BorderCurves = 100,
            Threads = 1,
            Seed = seed,
        };
        using (await LcPfnTrainer.TrainAsync(options, path))
        {
        }

        return LcPfnPredictor.Load(path);
    }
}
