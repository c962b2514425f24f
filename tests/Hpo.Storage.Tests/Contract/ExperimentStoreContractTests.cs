using Hpo.Scheduler.Persistence;
using Hpo.Storage.Tests.Infrastructure;

namespace Hpo.Storage.Tests.Contract;

/// <summary>
/// The contract of <see cref="IExperimentStore"/>, written once and run against every engine by the derived
/// classes (<see cref="SqliteExperimentStoreTests"/>, <see cref="PostgreSqlExperimentStoreTests"/>). Each test gets
/// a fresh, migrated database.
/// </summary>
public abstract partial class ExperimentStoreContractTests : IAsyncLifetime
{
    protected const string SearchSpace = """{"lr": {"type": "float", "low": 0.0001, "high": 1, "log": true}, "layers": {"type": "int", "low": 1, "high": 8}, "optimizer": {"type": "categorical", "choices": ["sgd", "adam"]}}""";

    /// <summary>Checkpoint settings every engine runs the contract with: small limits, so the tests stay small.</summary>
    protected const long MaxCheckpointBytes = 64 * 1024;

    protected const long CheckpointInlineBytes = 4 * 1024;

    private StoreHarness? _harness;

    /// <summary>This test's checkpoint folder (checkpoints over <see cref="CheckpointInlineBytes"/> go there).</summary>
    protected string CheckpointFolder { get; } = Path.Combine(Path.GetTempPath(), "hpo-checkpoint-tests", Guid.NewGuid().ToString("N"));

    protected StoreHarness Harness => _harness ?? throw new InvalidOperationException("Not initialised.");

    protected IExperimentStore Store => Harness.Store;

    public async Task InitializeAsync() => _harness = await CreateHarnessAsync();

    public async Task DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }

        await DropDatabaseAsync();
        if (Directory.Exists(CheckpointFolder))
        {
            Directory.Delete(CheckpointFolder, recursive: true);
        }
    }

    /// <summary>The storage options every derived class passes to <see cref="StoreHarness.CreateAsync"/>.</summary>
    protected void ConfigureStorage(Hpo.Storage.Configuration.HpoStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.MaxCheckpointBytes = MaxCheckpointBytes;
        options.CheckpointInlineBytes = CheckpointInlineBytes;
        options.CheckpointFolder = CheckpointFolder;
    }

    /// <summary>Creates an empty database for one test and returns a migrated harness on it.</summary>
    protected abstract Task<StoreHarness> CreateHarnessAsync();

    protected abstract Task DropDatabaseAsync();

    protected static ExperimentSpec Spec(string? name = null, int maxEpochs = 20, MetricDirection direction = MetricDirection.Maximize) =>
        new(
            name ?? "exp-" + Guid.NewGuid().ToString("N")[..8],
            "val_accuracy",
            direction,
            0.0,
            1.0,
            maxEpochs,
            SearchSpace,
            """{"kind": "random", "seed": 7}""",
            """{"kind": "lcpfn", "threshold": 0.05}""",
            """{"workload": "synthetic"}""");

    protected static string Params(double lr = 0.01, int layers = 2, string optimizer = "adam") =>
        $$"""{"lr": {{lr.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}}, "layers": {{layers}}, "optimizer": "{{optimizer}}"}""";

    protected async Task<(ExperimentRecord Experiment, TrialRecord Trial, TrialLease Lease)> RunningTrialAsync(int maxEpochs = 20, MetricDirection direction = MetricDirection.Maximize)
    {
        var experiment = await Store.CreateExperimentAsync(Spec(maxEpochs: maxEpochs, direction: direction));
        var trial = await Store.CreateTrialAsync(experiment.Id, Params());
        var lease = await Store.ClaimTrialAsync(trial.Id, "worker-a", TimeSpan.FromMinutes(1));
        return (experiment, trial, lease);
    }

    [StoreFact]
    public async Task CreateExperimentAsync_ValidSpec_RoundTripsEveryField()
    {
        var spec = Spec("round-trip") with { MetricLowerBound = -2.5, MetricUpperBound = 7.25, SettingsJson = null };

        var created = await Store.CreateExperimentAsync(spec);
        var read = await Store.GetExperimentAsync(created.Id);
        var found = await Store.FindExperimentAsync("round-trip");

        Assert.NotNull(read);
        Assert.Equal(created, read with { Spec = created.Spec });
        Assert.Equal(created.Id, found?.Id);
        Assert.Equal(ExperimentStatus.Created, read.Status);
        Assert.Equal(StoreHarness.Start, read.CreatedAt);
        Assert.Equal("val_accuracy", read.Spec.MetricName);
        Assert.Equal(MetricDirection.Maximize, read.Spec.Direction);
        Assert.Equal(-2.5, read.Spec.MetricLowerBound);
        Assert.Equal(7.25, read.Spec.MetricUpperBound);
        Assert.Equal(20, read.Spec.MaxEpochs);
        Assert.Null(read.Spec.SettingsJson);
        AssertJsonEqual(SearchSpace, read.Spec.SearchSpaceJson);
        AssertJsonEqual(spec.TunerJson, read.Spec.TunerJson);
        AssertJsonEqual(spec.PolicyJson, read.Spec.PolicyJson);
    }

    [StoreFact]
    public async Task GetExperimentAsync_UnknownId_ReturnsNull()
    {
        Assert.Null(await Store.GetExperimentAsync(424242));
        Assert.Null(await Store.FindExperimentAsync("nope"));
    }

    [StoreFact]
    public async Task SetExperimentStatusAsync_Known_UpdatesStatusAndTime()
    {
        var experiment = await Store.CreateExperimentAsync(Spec());
        Harness.Time.Advance(TimeSpan.FromMinutes(5));

        await Store.SetExperimentStatusAsync(experiment.Id, ExperimentStatus.Running);

        var read = await Store.GetExperimentAsync(experiment.Id);
        Assert.Equal(ExperimentStatus.Running, read!.Status);
        Assert.Equal(StoreHarness.Start.AddMinutes(5), read.UpdatedAt);
        await Assert.ThrowsAsync<NotFoundException>(() => Store.SetExperimentStatusAsync(999_999, ExperimentStatus.Running));
    }

    [StoreFact]
    public async Task ListExperimentsAsync_ThreePagesOfTwo_NewestFirstWithTotal()
    {
        for (int i = 1; i <= 5; i++)
        {
            await Store.CreateExperimentAsync(Spec($"list-{i}"));
            Harness.Time.Advance(TimeSpan.FromSeconds(1));
        }

        var first = await Store.ListExperimentsAsync(1, 2);
        var third = await Store.ListExperimentsAsync(3, 2);

        Assert.Equal(5, first.TotalCount);
        Assert.Equal(["list-5", "list-4"], first.Items.Select(e => e.Spec.Name));
        Assert.Equal(["list-1"], third.Items.Select(e => e.Spec.Name));
        Assert.Empty((await Store.ListExperimentsAsync(4, 2)).Items);
    }

    [StoreFact]
    public async Task CreateTrialAsync_ThreeTrials_NumbersOneTwoThreeAndPending()
    {
        var experiment = await Store.CreateExperimentAsync(Spec());

        var trials = new List<TrialRecord>();
        for (int i = 0; i < 3; i++)
        {
            trials.Add(await Store.CreateTrialAsync(experiment.Id, Params(lr: 0.1 * (i + 1))));
        }

        Assert.Equal([1, 2, 3], trials.Select(t => t.Number));
        var trial = trials[1];
        Assert.Equal(TrialStatus.Pending, trial.Status);
        Assert.Equal(0, trial.Attempt);
        Assert.Null(trial.LeaseToken);
        Assert.Equal(0, trial.LastEpoch);
        Assert.Null(trial.BestValue);
        AssertJsonEqual(Params(lr: 0.2), trial.ParametersJson);
        Assert.Equal(trial, await Store.GetTrialAsync(trial.Id));
        Assert.Null(await Store.GetTrialAsync(999_999));
    }

    [StoreFact]
    public async Task CreateTrialAsync_FinishedExperiment_ThrowsTrialStateAndWritesNothing()
    {
        var experiment = await Store.CreateExperimentAsync(Spec());
        await Store.SetExperimentStatusAsync(experiment.Id, ExperimentStatus.Completed);
        string before = await Harness.SnapshotAsync();

        var error = await Assert.ThrowsAsync<TrialStateException>(() => Store.CreateTrialAsync(experiment.Id, Params()));

        Assert.Contains("Completed", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await Harness.SnapshotAsync());
    }

    [StoreFact]
    public async Task ListTrialsAsync_FilterByStatus_PagesByNumber()
    {
        var experiment = await Store.CreateExperimentAsync(Spec());
        var trials = new List<TrialRecord>();
        for (int i = 0; i < 5; i++)
        {
            trials.Add(await Store.CreateTrialAsync(experiment.Id, Params()));
        }

        await Store.ClaimTrialAsync(trials[1].Id, "w", TimeSpan.FromMinutes(1));
        var all = await Store.ListTrialsAsync(experiment.Id, 2, 2);
        var running = await Store.ListTrialsAsync(experiment.Id, status: TrialStatus.Running);
        var pending = await Store.ListTrialsAsync(experiment.Id, status: TrialStatus.Pending);

        Assert.Equal(5, all.TotalCount);
        Assert.Equal([3, 4], all.Items.Select(t => t.Number));
        Assert.Equal([2], running.Items.Select(t => t.Number));
        Assert.Equal(4, pending.TotalCount);
        await Assert.ThrowsAsync<NotFoundException>(() => Store.ListTrialsAsync(999_999));
    }

    [StoreFact]
    public async Task UpsertWorkerAsync_TwiceThenList_KeepsStartAndRefreshesHeartbeat()
    {
        var first = await Store.UpsertWorkerAsync("w1", "host-a");
        Harness.Time.Advance(TimeSpan.FromSeconds(30));
        await Store.UpsertWorkerAsync("w2", "host-b");
        Harness.Time.Advance(TimeSpan.FromSeconds(30));
        var again = await Store.UpsertWorkerAsync("w1", "host-a2");

        var workers = await Store.ListWorkersAsync();

        Assert.Equal(first.StartedAt, again.StartedAt);
        Assert.Equal(StoreHarness.Start.AddMinutes(1), again.LastHeartbeat);
        Assert.Equal("host-a2", again.Host);
        Assert.Equal(["w1", "w2"], workers.Select(w => w.Id));
    }

    protected static void AssertJsonEqual(string expected, string actual)
    {
        using var e = System.Text.Json.JsonDocument.Parse(expected);
        using var a = System.Text.Json.JsonDocument.Parse(actual);
        Assert.True(System.Text.Json.JsonElement.DeepEquals(e.RootElement, a.RootElement), $"expected {expected}, got {actual}");
    }
}
