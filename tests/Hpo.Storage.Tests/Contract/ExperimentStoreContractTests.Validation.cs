using Hpo.Scheduler.Persistence;
using Hpo.Storage.Tests.Infrastructure;

namespace Hpo.Storage.Tests.Contract;

/// <summary>The bad-input matrix: every rejected input gets its typed error, names its field, and writes nothing.</summary>
public abstract partial class ExperimentStoreContractTests
{
    [StoreFact]
    public async Task BadInputMatrix_EveryCase_TypedErrorNamingFieldAndNothingWritten()
    {
        var experiment = await Store.CreateExperimentAsync(Spec("matrix", maxEpochs: 10));
        var trial = await Store.CreateTrialAsync(experiment.Id, Params());
        var lease = await Store.ClaimTrialAsync(trial.Id, "worker-a", TimeSpan.FromMinutes(1));
        await Store.RecordObservationsAsync(lease, [(1, 0.5), (2, 0.6)]);
        await Store.RecordDecisionAsync(lease, Decision(trial.Id, 2));

        var finishedTrial = await Store.CreateTrialAsync(experiment.Id, Params());
        var finishedLease = await Store.ClaimTrialAsync(finishedTrial.Id, "worker-a", TimeSpan.FromMinutes(1));
        await Store.FinishTrialAsync(finishedLease, TrialStatus.Completed);

        var takenTrial = await Store.CreateTrialAsync(experiment.Id, Params());
        var staleLease = await Store.ClaimTrialAsync(takenTrial.Id, "worker-a", TimeSpan.FromSeconds(1));
        Harness.Time.Advance(TimeSpan.FromSeconds(5));
        await Store.ClaimTrialAsync(takenTrial.Id, "worker-b", TimeSpan.FromSeconds(2));

        var unknownLease = lease with { TrialId = 987_654 };
        string big = new('x', 300 * 1024);
        var cases = new (string Name, Type Error, string Field, Func<Task> Act)[]
        {
            ("NaN value", typeof(HpoValidationException), "value", () => Store.RecordObservationAsync(lease, 3, double.NaN)),
            ("+Inf value", typeof(HpoValidationException), "value", () => Store.RecordObservationAsync(lease, 3, double.PositiveInfinity)),
            ("-Inf value", typeof(HpoValidationException), "value", () => Store.RecordObservationAsync(lease, 3, double.NegativeInfinity)),
            ("negative epoch", typeof(HpoValidationException), "epoch", () => Store.RecordObservationAsync(lease, -1, 0.5)),
            ("epoch zero", typeof(HpoValidationException), "epoch", () => Store.RecordObservationAsync(lease, 0, 0.5)),
            ("epoch above max epochs", typeof(HpoValidationException), "MaxEpochs", () => Store.RecordObservationAsync(lease, 11, 0.5)),
            ("batch with one NaN", typeof(HpoValidationException), "observations[1].Value", () => Store.RecordObservationsAsync(lease, [(3, 0.5), (4, double.NaN), (5, 0.7)])),
            ("batch with epoch above max", typeof(HpoValidationException), "observations[2].Epoch", () => Store.RecordObservationsAsync(lease, [(3, 0.5), (4, 0.6), (12, 0.7)])),
            ("batch repeating an epoch with two values", typeof(HpoValidationException), "observations[1].Epoch", () => Store.RecordObservationsAsync(lease, [(3, 0.5), (3, 0.6)])),
            ("empty batch", typeof(HpoValidationException), "observations", () => Store.RecordObservationsAsync(lease, [])),
            ("oversized batch", typeof(HpoValidationException), "observations", () => Store.RecordObservationsAsync(lease, Enumerable.Range(1, 1001).Select(e => (e, 0.5)).ToList())),
            ("conflicting value", typeof(ObservationConflictException), "epoch 2", () => Store.RecordObservationAsync(lease, 2, 0.61)),
            ("unknown trial", typeof(NotFoundException), "987654", () => Store.RecordObservationAsync(unknownLease, 3, 0.5)),
            ("finished trial", typeof(TrialStateException), "Completed", () => Store.RecordObservationAsync(finishedLease, 1, 0.5)),
            ("stale lease", typeof(StaleLeaseException), "stale", () => Store.RecordObservationAsync(staleLease, 1, 0.5)),
            ("empty lease token", typeof(HpoValidationException), "lease.Token", () => Store.RecordObservationAsync(lease with { Token = Guid.Empty }, 3, 0.5)),
            ("heartbeat of finished trial", typeof(TrialStateException), "Completed", () => Store.HeartbeatAsync(finishedLease)),
            ("heartbeat of unknown trial", typeof(NotFoundException), "987654", () => Store.HeartbeatAsync(unknownLease)),
            ("finish as Running", typeof(HpoValidationException), "status", () => Store.FinishTrialAsync(lease, TrialStatus.Running)),
            ("finish with oversized detail", typeof(HpoValidationException), "detail", () => Store.FinishTrialAsync(lease, TrialStatus.Failed, new string('e', 4001))),
            ("claim unknown trial", typeof(NotFoundException), "987654", () => Store.ClaimTrialAsync(987_654, "w", TimeSpan.FromMinutes(1))),
            ("claim finished trial", typeof(TrialStateException), "Completed", () => Store.ClaimTrialAsync(finishedTrial.Id, "w", TimeSpan.FromMinutes(1))),
            ("claim with empty worker", typeof(HpoValidationException), "workerId", () => Store.ClaimTrialAsync(trial.Id, " ", TimeSpan.FromMinutes(1))),
            ("claim with zero lease", typeof(HpoValidationException), "leaseDuration", () => Store.ClaimTrialAsync(trial.Id, "w", TimeSpan.Zero)),
            ("parameter outside the search space", typeof(HpoValidationException), "ParametersJson.lr", () => Store.CreateTrialAsync(experiment.Id, Params(lr: 5))),
            ("parameter not in the search space", typeof(HpoValidationException), "ParametersJson.momentum", () => Store.CreateTrialAsync(experiment.Id, """{"lr": 0.1, "momentum": 0.9}""")),
            ("categorical outside its values", typeof(HpoValidationException), "ParametersJson.optimizer", () => Store.CreateTrialAsync(experiment.Id, Params(optimizer: "rmsprop"))),
            ("nested parameters", typeof(HpoValidationException), "ParametersJson", () => Store.CreateTrialAsync(experiment.Id, """{"lr": {"value": 0.1}}""")),
            ("parameters not an object", typeof(HpoValidationException), "ParametersJson", () => Store.CreateTrialAsync(experiment.Id, "[0.1]")),
            ("parameters not JSON", typeof(HpoValidationException), "ParametersJson", () => Store.CreateTrialAsync(experiment.Id, "{lr: 0.1")),
            ("oversized parameters", typeof(HpoValidationException), "ParametersJson", () => Store.CreateTrialAsync(experiment.Id, $$"""{"optimizer": "{{new string('a', 20_000)}}"}""")),
            ("trial of unknown experiment", typeof(NotFoundException), "987654", () => Store.CreateTrialAsync(987_654, Params())),
            ("duplicate experiment name", typeof(HpoValidationException), "Name", () => Store.CreateExperimentAsync(Spec("matrix"))),
            ("empty experiment name", typeof(HpoValidationException), "Name", () => Store.CreateExperimentAsync(Spec("  "))),
            ("NaN metric bound", typeof(HpoValidationException), "MetricLowerBound", () => Store.CreateExperimentAsync(Spec() with { MetricLowerBound = double.NaN })),
            ("infinite metric bound", typeof(HpoValidationException), "MetricUpperBound", () => Store.CreateExperimentAsync(Spec() with { MetricUpperBound = double.PositiveInfinity })),
            ("inverted metric bounds", typeof(HpoValidationException), "MetricLowerBound", () => Store.CreateExperimentAsync(Spec() with { MetricLowerBound = 1, MetricUpperBound = 0 })),
            ("zero max epochs", typeof(HpoValidationException), "MaxEpochs", () => Store.CreateExperimentAsync(Spec(maxEpochs: 0))),
            ("huge max epochs", typeof(HpoValidationException), "MaxEpochs", () => Store.CreateExperimentAsync(Spec(maxEpochs: 100_001))),
            ("search space not JSON", typeof(HpoValidationException), "SearchSpaceJson", () => Store.CreateExperimentAsync(Spec() with { SearchSpaceJson = "{" })),
            ("tuner not an object", typeof(HpoValidationException), "TunerJson", () => Store.CreateExperimentAsync(Spec() with { TunerJson = "42" })),
            ("oversized policy", typeof(HpoValidationException), "PolicyJson", () => Store.CreateExperimentAsync(Spec() with { PolicyJson = $$"""{"x": "{{big}}"}""" })),
            ("NUL in settings", typeof(HpoValidationException), "SettingsJson", () => Store.CreateExperimentAsync(Spec() with { SettingsJson = """{"x": "a\u0000b"}""" })),
            ("undefined direction", typeof(HpoValidationException), "Direction", () => Store.CreateExperimentAsync(Spec() with { Direction = (MetricDirection)7 })),
            ("undefined experiment status", typeof(HpoValidationException), "status", () => Store.SetExperimentStatusAsync(experiment.Id, (ExperimentStatus)9)),
            ("decision with NaN median", typeof(HpoValidationException), "decision.PredictedMedian", () => Store.RecordDecisionAsync(lease, Decision(trial.Id, 3) with { PredictedMedian = double.NaN })),
            ("decision with probability above one", typeof(HpoValidationException), "decision.ProbabilityOfImprovement", () => Store.RecordDecisionAsync(lease, Decision(trial.Id, 3) with { ProbabilityOfImprovement = 1.5 })),
            ("decision with inverted band", typeof(HpoValidationException), "decision.PredictedLow", () => Store.RecordDecisionAsync(lease, Decision(trial.Id, 3) with { PredictedLow = 0.95, PredictedHigh = 0.9 })),
            ("decision for another trial", typeof(HpoValidationException), "decision.TrialId", () => Store.RecordDecisionAsync(lease, Decision(finishedTrial.Id, 3))),
            ("decision above max epochs", typeof(HpoValidationException), "decision.Epoch", () => Store.RecordDecisionAsync(lease, Decision(trial.Id, 11))),
            ("decision with empty policy", typeof(HpoValidationException), "decision.Policy", () => Store.RecordDecisionAsync(lease, Decision(trial.Id, 3) with { Policy = "" })),
            ("conflicting decision", typeof(ObservationConflictException), "epoch 2", () => Store.RecordDecisionAsync(lease, Decision(trial.Id, 2, DecisionAction.Stop))),
            ("decision on finished trial", typeof(TrialStateException), "Completed", () => Store.RecordDecisionAsync(finishedLease, Decision(finishedTrial.Id, 1))),
            ("worker with empty host", typeof(HpoValidationException), "host", () => Store.UpsertWorkerAsync("w", "")),
            ("worker id too long", typeof(HpoValidationException), "workerId", () => Store.UpsertWorkerAsync(new string('w', 201), "h")),
            ("page zero", typeof(HpoValidationException), "pageNumber", () => Store.ListExperimentsAsync(0)),
            ("page too large", typeof(HpoValidationException), "pageSize", () => Store.ListTrialsAsync(experiment.Id, 1, 1001)),
        };

        string before = await Harness.SnapshotAsync();
        var failures = new List<string>();
        foreach (var (name, errorType, field, act) in cases)
        {
            try
            {
                await act();
                failures.Add($"{name}: no error");
            }
            catch (Exception ex) when (ex.GetType() == errorType)
            {
                if (!ex.Message.Contains(field, StringComparison.Ordinal))
                {
                    failures.Add($"{name}: message '{ex.Message}' does not name '{field}'");
                }
            }
            catch (Exception ex)
            {
                failures.Add($"{name}: expected {errorType.Name}, got {ex.GetType().Name}: {ex.Message}");
            }

            string after = await Harness.SnapshotAsync();
            if (after != before)
            {
                failures.Add($"{name}: wrote something ({before} -> {after})");
                before = after;
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.Equal([0.5, 0.6], (await Store.GetCurvesAsync([trial.Id]))[trial.Id].Select(o => o.Value));
    }
}
