using System.Globalization;
using Hpo.Scheduler.Persistence;
using Microsoft.Extensions.Time.Testing;

namespace Hpo.Workers.Tests.Dashboard;

/// <summary>
/// Realistic experiments written through the store's own API, epoch by epoch in interleaved order (as
/// workers would), with LC-PFN-shaped decisions: one completed trial, stopped trials whose last decision
/// carries a probability of improvement and a 90% band, a running trial, a failed and a pending one.
/// </summary>
internal sealed class DashboardSeed
{
    public const int MaxEpochs = 20;
    private static readonly TimeSpan Lease = TimeSpan.FromHours(1);

    private DashboardSeed(IExperimentStore store, FakeTimeProvider time)
    {
        Store = store;
        Time = time;
    }

    public IExperimentStore Store { get; }

    public FakeTimeProvider Time { get; }

    public ExperimentRecord Experiment { get; private set; } = null!;

    public ExperimentRecord LossExperiment { get; private set; } = null!;

    public ExperimentRecord EmptyExperiment { get; private set; } = null!;

    /// <summary>Trials of <see cref="Experiment"/> by number.</summary>
    public Dictionary<int, TrialRecord> Trials { get; } = [];

    /// <summary>The lease of the running trial (#3), to record more epochs during a test.</summary>
    public TrialLease RunningLease { get; private set; } = null!;

    public TrialRecord Completed => Trials[1];

    public TrialRecord Stopped => Trials[2];

    public TrialRecord Running => Trials[3];

    public TrialRecord StoppedEarly => Trials[4];

    public TrialRecord Failed => Trials[6];

    public TrialRecord Pending => Trials[7];

    /// <summary>Trials that have at least one observation.</summary>
    public IEnumerable<TrialRecord> Observed => Trials.Values.Where(t => t.LastEpoch > 0);

    /// <summary>The clock a store must use for the seed's timestamps to interleave as planned.</summary>
    public static FakeTimeProvider NewClock() => new(new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero));

    /// <summary>Seeds a new in-memory store.</summary>
    public static Task<DashboardSeed> CreateAsync(CancellationToken cancellationToken = default)
    {
        FakeTimeProvider time = NewClock();
        return CreateAsync(new InMemoryExperimentStore(time), time, cancellationToken);
    }

    /// <summary>Seeds <paramref name="store"/>, whose clock is <paramref name="time"/>.</summary>
    public static async Task<DashboardSeed> CreateAsync(IExperimentStore store, FakeTimeProvider time, CancellationToken cancellationToken = default)
    {
        var seed = new DashboardSeed(store, time);
        await seed.SeedLossExperimentAsync(cancellationToken);
        await seed.SeedAccuracyExperimentAsync(cancellationToken);
        seed.EmptyExperiment = await seed.Store.CreateExperimentAsync(Spec("empty-experiment", "val_loss", MetricDirection.Minimize, 5), cancellationToken);
        return seed;
    }

    /// <summary>The accuracy curve of a trial at an epoch: rises towards its plateau, deterministic wiggle.</summary>
    public static double Accuracy(double plateau, double speed, int trialNumber, int epoch) =>
        Math.Round(plateau - ((plateau - 0.1) * Math.Exp(-epoch / speed)) + (0.006 * Math.Sin((epoch * 1.7) + trialNumber)), 4);

    /// <summary>Records the next epoch of the running trial, as a worker would while the page is open.</summary>
    public async Task<double> AdvanceRunningTrialAsync(CancellationToken cancellationToken = default)
    {
        TrialRecord running = (await Store.GetTrialAsync(Running.Id, cancellationToken))!;
        int epoch = running.LastEpoch + 1;
        double value = Accuracy(0.9, 4.0, 3, epoch);
        Time.Advance(TimeSpan.FromSeconds(30));
        await Store.RecordObservationAsync(RunningLease, epoch, value, cancellationToken);
        await Store.RecordDecisionAsync(RunningLease, Decision(Running.Id, epoch, DecisionAction.Continue, 0.38, 0.895, 0.86, 0.925), cancellationToken);
        return value;
    }

    private static ExperimentSpec Spec(string name, string metric, MetricDirection direction, int maxEpochs) => new(
        name,
        metric,
        direction,
        direction == MetricDirection.Maximize ? 0 : null,
        direction == MetricDirection.Maximize ? 1 : null,
        maxEpochs,
        """
        {
          "learning_rate": { "type": "float", "low": 1e-5, "high": 0.1, "log": true },
          "num_layers": { "type": "int", "low": 1, "high": 8 },
          "optimizer": { "type": "categorical", "choices": ["sgd", "adam"] }
        }
        """,
        """{ "kind": "random", "seed": 7 }""",
        """{ "kind": "lcpfn", "threshold": 0.05 }""");

    private static string Parameters(double learningRate, int layers, string optimizer) =>
        string.Create(CultureInfo.InvariantCulture, $$"""{ "learning_rate": {{learningRate}}, "num_layers": {{layers}}, "optimizer": "{{optimizer}}" }""");

    private DecisionRecord Decision(long trialId, int epoch, DecisionAction action, double probability, double median, double low, double high) =>
        new(trialId, epoch, action, "lcpfn", probability, median, low, high,
            action == DecisionAction.Stop ? $"P(improvement) {probability:0.###} < 0.05" : null, Time.GetUtcNow());

    private async Task SeedAccuracyExperimentAsync(CancellationToken cancellationToken)
    {
        Experiment = await Store.CreateExperimentAsync(Spec("cifar10-resnet", "val_accuracy", MetricDirection.Maximize, MaxEpochs), cancellationToken);
        await Store.SetExperimentStatusAsync(Experiment.Id, ExperimentStatus.Running, cancellationToken);

        // number → (parameters, plateau, speed, epochs to train, how it ends)
        var plan = new (string Parameters, double Plateau, double Speed, int Epochs, TrialStatus End)[]
        {
            (Parameters(0.05, 3, "adam"), 0.92, 3.5, MaxEpochs, TrialStatus.Completed),
            (Parameters(0.0003, 2, "sgd"), 0.62, 6.0, 5, TrialStatus.Stopped),
            (Parameters(0.01, 4, "adam"), 0.9, 4.0, 9, TrialStatus.Running),
            (Parameters(0.00002, 1, "sgd"), 0.45, 8.0, 3, TrialStatus.Stopped),
            (Parameters(0.02, 5, "adam"), 0.88, 3.0, MaxEpochs, TrialStatus.Completed),
            (Parameters(0.09, 8, "adam"), 0.3, 2.0, 2, TrialStatus.Failed),
            (Parameters(0.001, 2, "adam"), 0, 1, 0, TrialStatus.Pending),
        };
        var leases = new Dictionary<int, TrialLease>();
        for (int i = 0; i < plan.Length; i++)
        {
            TrialRecord trial = await Store.CreateTrialAsync(Experiment.Id, plan[i].Parameters, cancellationToken);
            Trials[trial.Number] = trial;
            if (plan[i].End != TrialStatus.Pending)
            {
                leases[trial.Number] = await Store.ClaimTrialAsync(trial.Id, $"worker-{(i % 2) + 1}", Lease, cancellationToken);
            }
        }

        // Round-robin over epochs, so the curves interleave in time as a fleet of workers would record them.
        for (int epoch = 1; epoch <= MaxEpochs; epoch++)
        {
            foreach (var (number, lease) in leases)
            {
                var p = plan[number - 1];
                if (epoch > p.Epochs)
                {
                    continue;
                }

                Time.Advance(TimeSpan.FromSeconds(20));
                double value = Accuracy(p.Plateau, p.Speed, number, epoch);
                await Store.RecordObservationAsync(lease, epoch, value, cancellationToken);
                if (epoch >= 2 && p.End != TrialStatus.Failed)
                {
                    bool last = epoch == p.Epochs;
                    bool stop = last && p.End == TrialStatus.Stopped;
                    double remaining = (MaxEpochs - epoch) / (double)MaxEpochs;
                    double median = Math.Round(p.Plateau - (0.01 * remaining), 4);
                    double halfWidth = Math.Round(0.02 + (0.08 * remaining), 4);
                    double probability = stop ? (number == 2 ? 0.012 : 0.004) : Math.Round(0.2 + (0.5 * (p.Plateau - 0.6)), 3);
                    await Store.RecordDecisionAsync(lease, Decision(lease.TrialId, epoch, stop ? DecisionAction.Stop : DecisionAction.Continue, probability, median, median - halfWidth, median + halfWidth), cancellationToken);
                }

                if (epoch == p.Epochs && p.End != TrialStatus.Running)
                {
                    string? detail = p.End switch
                    {
                        TrialStatus.Stopped => $"LC-PFN: P(beating the best) below 0.05 at epoch {epoch}",
                        TrialStatus.Failed => "CUDA out of memory at batch 112",
                        _ => null,
                    };
                    await Store.FinishTrialAsync(lease, p.End, detail, cancellationToken);
                }
            }
        }

        RunningLease = leases[3];
        foreach (int number in Trials.Keys.ToList())
        {
            Trials[number] = (await Store.GetTrialAsync(Trials[number].Id, cancellationToken))!;
        }
    }

    private async Task SeedLossExperimentAsync(CancellationToken cancellationToken)
    {
        LossExperiment = await Store.CreateExperimentAsync(Spec("mnist-mlp", "val_loss", MetricDirection.Minimize, 10), cancellationToken);
        for (int number = 1; number <= 2; number++)
        {
            TrialRecord trial = await Store.CreateTrialAsync(LossExperiment.Id, Parameters(0.01 * number, number, "adam"), cancellationToken);
            TrialLease lease = await Store.ClaimTrialAsync(trial.Id, "worker-1", Lease, cancellationToken);
            for (int epoch = 1; epoch <= 10; epoch++)
            {
                Time.Advance(TimeSpan.FromSeconds(10));
                await Store.RecordObservationAsync(lease, epoch, Math.Round((0.1 * number) + (2.0 / epoch), 4), cancellationToken);
            }

            await Store.FinishTrialAsync(lease, TrialStatus.Completed, cancellationToken: cancellationToken);
        }

        await Store.SetExperimentStatusAsync(LossExperiment.Id, ExperimentStatus.Completed, cancellationToken);
    }
}
