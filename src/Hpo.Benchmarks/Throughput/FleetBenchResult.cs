namespace Hpo.Benchmarks.Throughput;

/// <summary>The figures of <see cref="FleetBenchmark"/>, all read back from the database after the run.</summary>
/// <param name="ServerVersion">The PostgreSQL server's version.</param>
/// <param name="Database">The connection, password redacted.</param>
/// <param name="Experiment">The experiment the run left in the database.</param>
/// <param name="Policy">The experiment's policy JSON.</param>
/// <param name="Task">The LCBench surrogate task.</param>
/// <param name="Workers">`hpo worker` processes.</param>
/// <param name="Concurrency">Trials per worker at once.</param>
/// <param name="Trials">Trials run.</param>
/// <param name="TrialsStopped">Trials the policy stopped early.</param>
/// <param name="Observations">Epoch reports stored.</param>
/// <param name="EpochsSaved">Epochs the stopped trials did not train (of trials × max epochs).</param>
/// <param name="WallSeconds">From starting the workers (process start-up included), or after a warm-up from submitting the experiment, to its completion.</param>
/// <param name="RunSeconds">From the first stored epoch report to the last.</param>
/// <param name="ReportsPerSecond">Epoch reports per second over the run.</param>
/// <param name="DecileReportsPerSecond">Epoch reports per second in each tenth of the stored observations, in order.</param>
/// <param name="LastToFirstDecile">The last decile's rate over the first's.</param>
/// <param name="TrialsPerSecond">Trials per second over the run.</param>
/// <param name="DecisionP50Milliseconds">Median decision latency: from an epoch's recorded_at (when the worker had the value, before deciding; the value and its decision are then written together) to its decision's decided_at (taken when the policy answered): the read of what changed and the policy call.</param>
/// <param name="DecisionP99Milliseconds">99th percentile of that latency.</param>
/// <param name="DecisionsWithModel">Decisions that carry the LC-PFN model's SHA-256.</param>
/// <param name="WarmupTrials">Trials of the warm-up experiment the workers ran before this one (0: none, cold workers).</param>
/// <param name="WarmupReportsPerSecond">The warm-up experiment's epoch reports per second (null without one): the cold workers' rate.</param>
internal sealed record FleetBenchResult(
    string ServerVersion,
    string Database,
    string Experiment,
    string Policy,
    string Task,
    int Workers,
    int Concurrency,
    int Trials,
    int TrialsStopped,
    long Observations,
    long EpochsSaved,
    double WallSeconds,
    double RunSeconds,
    double ReportsPerSecond,
    IReadOnlyList<double> DecileReportsPerSecond,
    double LastToFirstDecile,
    double TrialsPerSecond,
    double DecisionP50Milliseconds,
    double DecisionP99Milliseconds,
    long DecisionsWithModel,
    int WarmupTrials,
    double? WarmupReportsPerSecond);
