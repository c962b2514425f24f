using Hpo.LcPfn.Distribution;
using Hpo.LcPfn.Model;
using Hpo.LcPfn.Models;
using Hpo.LcPfn.Prior;
using Hpo.LcPfn.Training;
using Hpo.Testing;
using TorchSharp;

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

    /// <summary>Equal-mass borders from the prior for the tiny architecture.</summary>
    public static double[] Borders(int maxEpochs = 20, int buckets = 50)
    {
        var prior = new LearningCurvePrior(maxEpochs);
        var values = new float[300 * maxEpochs];
        prior.SampleMany(3, PriorStream.Borders, 0, 300, values);
        return BarDistribution.BordersFromSamples(values, buckets);
    }

    /// <summary>
    /// An untrained tiny model whose weights are all randomised: the zero initialisation of the residual
    /// branches would otherwise make attention a no-op and mask tests vacuous.
    /// </summary>
    public static LcPfnModel RandomModel(long seed = 11, int maxEpochs = 20) => RandomModel(Architecture(maxEpochs), seed);

    /// <summary>An untrained model of <paramref name="architecture"/> with every weight drawn from N(0, 0.3²).</summary>
    public static LcPfnModel RandomModel(LcPfnArchitecture architecture, long seed)
    {
        torch.manual_seed(seed);
        var network = new LcPfnTransformer(architecture);
        using (torch.no_grad())
        {
            foreach (var p in network.parameters())
            {
                p.normal_(0, 0.3);
            }
        }

        network.eval();
        return new LcPfnModel(network, new BarDistribution(Borders(architecture.MaxEpochs, architecture.Buckets)), new LcPfnModelMetadata { Seed = (ulong)seed });
    }

    public static string TempDirectory()
    {
        return TestTemp.Folder("hpo-lcpfn-tests-");
    }
}
