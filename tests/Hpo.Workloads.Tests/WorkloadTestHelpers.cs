using Hpo.Scheduler.SearchSpaces;
using Hpo.Scheduler.Workloads;

namespace Hpo.Workloads.Tests;

internal static class WorkloadTestHelpers
{
    public static TrialParameters Parameters(params (string Name, object Value)[] values) =>
        new(values.Select(v => new KeyValuePair<string, object>(v.Name, v.Value)));

    /// <summary>Trains epochs 1..<paramref name="epochs"/> of a fresh run and returns the curve.</summary>
    public static async Task<double[]> CurveAsync(IWorkload workload, TrialParameters parameters, int seed, int epochs)
    {
        await using var run = await workload.StartAsync(parameters, seed);
        return await ContinueAsync(run, 1, epochs);
    }

    /// <summary>Trains epochs <paramref name="first"/>..<paramref name="last"/> of <paramref name="run"/>.</summary>
    public static async Task<double[]> ContinueAsync(IWorkloadRun run, int first, int last)
    {
        var curve = new List<double>();
        for (int epoch = first; epoch <= last; epoch++)
        {
            curve.Add(await run.TrainEpochAsync(epoch));
        }

        return [.. curve];
    }
}
