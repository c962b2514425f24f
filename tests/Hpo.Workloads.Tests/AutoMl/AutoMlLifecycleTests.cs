using System.Text.Json;
using Hpo.Examples.AutoMl;
using Hpo.LcPfn.Inference;
using Hpo.Scheduler.Prediction;
using Hpo.Scheduler.AutoMl;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.SearchSpaces;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Tuning;
using Hpo.Workloads.Datasets;
using Hpo.Workloads.MlNet;
using Microsoft.ML;
using Microsoft.ML.SearchSpace;
using Xunit.Abstractions;
using Auto = Microsoft.ML.AutoML;

namespace Hpo.Workloads.Tests.AutoMl;

/// <summary>
/// The adapter users copy (examples/automl) under AutoMLExperiment's lifecycle (<see cref="AutoMlLifecycle"/>):
/// a runner resolved and disposed per trial, trials from 0, parameters nested under a search-space key, failures and
/// cancellations reported, with the default LC-PFN policy and the shipped model on an ML.NET workload.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class AutoMlLifecycleTests(ITestOutputHelper output)
{
    private const string Key = "hpo";
    private const int Trials = 20;
    private const int InvalidTrial = 4;
    private const int CancelledTrial = 9;
    private static readonly MetricSettings Metric = new(MetricDirection.Maximize, 10, 0, 1);

    // Strong regularisation makes some configurations plateau low, which LC-PFN should stop.
    private const string SpaceJson = """
        {
          "l1_regularization": { "type": "float", "low": 1e-4, "high": 30, "log": true },
          "l2_regularization": { "type": "float", "low": 1e-4, "high": 30, "log": true },
          "iterations_per_epoch": { "type": "int", "low": 1, "high": 3 }
        }
        """;

    [Fact]
    public async Task AutoMlExperiment_SingletonAndFactoryRunners_TwentyMlNetTrialsDecideAlike()
    {
        var workload = new MlNetDigitsWorkload();
        var singleton = await RunExperimentAsync(workload, factory: false);
        var factory = await RunExperimentAsync(workload, factory: true);

        foreach (var run in new[] { singleton, factory })
        {
            // Only the two trials made to fail failed: no ObjectDisposedException from a runner disposed by an earlier trial.
            Assert.Equal([InvalidTrial, CancelledTrial], run.Outcome.Failures.Select(f => f.TrialId));
            Assert.IsType<ArgumentException>(run.Outcome.Failures[0].Exception);
            Assert.IsAssignableFrom<OperationCanceledException>(run.Outcome.Failures[1].Exception);
            Assert.Equal(Enumerable.Range(0, Trials).Except([InvalidTrial, CancelledTrial]), run.Outcome.Completed.Select(r => r.TrialSettings.TrialId));
            Assert.Contains(run.Decisions, d => d.Action == DecisionAction.Stop && d.TrialId != 0);
            Assert.Equal(Trials, run.Outcome.Runners.Count);
        }

        int stopped = factory.Decisions.Count(d => d.Action == DecisionAction.Stop);
        output.WriteLine($"{stopped} of {factory.Outcome.Completed.Count} completed trials stopped early; {factory.Decisions.Count} decisions, {Trials * Metric.MaxEpochs} epochs without stopping.");
        Assert.Single(singleton.Outcome.Runners.Distinct());
        Assert.Equal(Trials, factory.Outcome.Runners.Distinct().Count());
        Assert.Equal(Describe(singleton.Decisions), Describe(factory.Decisions));
        Assert.Equal(singleton.Outcome.Best!.TrialSettings.TrialId, factory.Outcome.Best!.TrialSettings.TrialId);

        // The best trial's model comes back as an ITransformer and scores the validation split to its last epoch's value.
        var best = factory.Outcome.Best;
        Assert.Equal(factory.Outcome.Completed.Min(r => r.Loss), best.Loss);
        Assert.Equal(-best.Metric, best.Loss);
        var context = new MLContext(0);
        var split = DatasetSplit.Stratified(BuiltInDatasets.LoadDigits(), 0.2, DatasetSplitOptions.DefaultSplitSeed).Standardized();
        var (_, validation) = MlNetData.ToMulticlass(context, split.Train, split.Validation);
        double accuracy = MlNetData.Accuracy<uint>(best.Model.Transform(validation));
        Assert.Equal(factory.BestCurve[^1], accuracy, 12);
    }

    [Theory]
    [InlineData(Key)]
    [InlineData(null)]
    public void FromJson_ParametersNestedUnderKey_Flattened(string? key)
    {
        var parameter = Parameter.CreateNestedParameter(new KeyValuePair<string, Parameter>(Key, Parameter.CreateNestedParameter(
            new("lr", Parameter.FromDouble(0.25)), new("layers", Parameter.FromLong(3)), new("optimizer", Parameter.FromString("adam")), new("nesterov", Parameter.FromBool(true)))));

        var parsed = AutoMlParameters.FromJson(JsonSerializer.Serialize(parameter), key);

        Assert.Equal("""{"layers":3,"lr":0.25,"nesterov":true,"optimizer":"adam"}""", parsed.ToJson());
    }

    [Fact]
    public void FromJson_FlatParameters_ReadAsTheyAre()
    {
        var parameter = Parameter.CreateNestedParameter(new("lr", Parameter.FromDouble(0.5)), new("layers", Parameter.FromLong(2)));

        var parsed = AutoMlParameters.FromJson(JsonSerializer.Serialize(parameter));

        Assert.Equal("""{"layers":2,"lr":0.5}""", parsed.ToJson());
    }

    [Fact]
    public void FromJson_MissingSearchSpaceKey_ErrorNamesIt()
    {
        var ex = Assert.Throws<FormatException>(() => AutoMlParameters.FromJson("""{"other":{"lr":0.1}}""", Key));

        Assert.Contains("'hpo'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'other'", ex.Message, StringComparison.Ordinal);
    }

    private static IEnumerable<string> Describe(IEnumerable<DecisionRecord> decisions) =>
        decisions.Select(d => FormattableString.Invariant($"{d.TrialId}@{d.Epoch}:{d.Action}:{d.ProbabilityOfImprovement:R}"));

    private static async Task<LifecycleRun> RunExperimentAsync(MlNetDigitsWorkload workload, bool factory)
    {
        using var predictor = LcPfnPredictor.LoadDefault();
        using var session = new EarlyStoppingSession(new StoppingPolicyFactory(predictor).Create(StoppingPolicyFactory.DefaultPolicyJson), Metric);
        var trainer = new WorkloadTrialRunner(workload, Metric, seed: 0);
        var experiment = new Auto.AutoMLExperiment(new MLContext(0), new Auto.AutoMLExperiment.AutoMLExperimentSettings { IsMaximize = true });
        if (factory)
        {
            // What the README tells users to do.
            experiment.SetHpoTrialRunner(session, trainer, Key);
        }
        else
        {
            experiment.SetTrialRunner(new HpoAutoMLTrialRunner(session, trainer, Key));
        }

        experiment.SetTuner(new NestingTuner(SearchSpace.FromJson(SpaceJson), seed: 7));
        var lifecycle = new AutoMlLifecycle(experiment);
        lifecycle.CancelledTrials.Add(CancelledTrial);
        var outcome = await lifecycle.RunAsync(Trials);
        return new LifecycleRun(outcome, session.Decisions, session.BestResult!.Curve);
    }

    private sealed record LifecycleRun(AutoMlLifecycle.Outcome Outcome, IReadOnlyList<DecisionRecord> Decisions, IReadOnlyList<double> BestCurve);

    /// <summary>An AutoML tuner over Hpo's random search that nests parameters under <see cref="Key"/>, as AddSearchSpace does; trial <see cref="InvalidTrial"/> gets an invalid value.</summary>
    private sealed class NestingTuner(SearchSpace space, int seed) : Auto.ITuner
    {
        private readonly RandomSearchTuner _inner = new(space, seed);

        public Parameter Propose(Auto.TrialSettings settings)
        {
            var proposed = _inner.Propose(new Hpo.Scheduler.AutoMl.TrialSettings { TrialId = settings.TrialId });
            var values = proposed.Select(p => new KeyValuePair<string, Parameter>(p.Key, p.Value switch
            {
                double d => Parameter.FromDouble(d),
                long l => Parameter.FromLong(settings.TrialId == InvalidTrial && p.Key == "iterations_per_epoch" ? 0 : l),
                var other => Parameter.FromString(other.ToString()!),
            }));
            return Parameter.CreateNestedParameter(new KeyValuePair<string, Parameter>(Key, Parameter.CreateNestedParameter([.. values])));
        }

        public void Update(Auto.TrialResult result) =>
            _inner.Update(new Hpo.Scheduler.AutoMl.TrialResult { TrialSettings = new() { TrialId = result.TrialSettings.TrialId }, Metric = result.Metric, Loss = result.Loss });
    }
}
