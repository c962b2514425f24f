using System.Globalization;
using System.Text.Json;
using Hpo.Scheduler.Persistence;
using Hpo.Storage.Stores;
using Hpo.Storage.Tests.Infrastructure;
using Hpo.Testing;
using Npgsql;

namespace Hpo.Storage.Tests.Contract;

/// <summary>The contract on the PostgreSQL of scripts/test.sh, one fresh database per test, plus what only a server shows.</summary>
[RequiresPostgres]
public sealed class PostgreSqlExperimentStoreTests : ExperimentStoreContractTests
{
    private const int MaxChaosEpochs = 100_000;

    private PostgresTestDatabase? _database;

    protected override async Task<StoreHarness> CreateHarnessAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        return await StoreHarness.CreateAsync(_database.ConnectionString, ConfigureStorage);
    }

    protected override async Task DropDatabaseAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    [StoreFact]
    public async Task ReadObservationChangesAsync_GenericPlanOfALaterRead_LooksEachTrialUpByKeyWithoutJit()
    {
        // PostgreSQL caches a generic plan for a prepared statement (Npgsql prepares the store's statements), blind to the
        // cursor's value. The later reads must keep their small shape there too: the changed rows first, each trial by key,
        // costed below jit_above_cost (100,000 by default), never a hash of every trial of the experiment.
        var (experiment, cursor, connection) = await PrepareChangesStatementAsync("force_generic_plan");
        await using var _ = connection;

        await using var explain = connection.CreateCommand();
        explain.CommandText = string.Create(CultureInfo.InvariantCulture, $"EXPLAIN (FORMAT JSON) EXECUTE changes({experiment.Id}, {cursor.Position}, '{{}}')");
        string plan = (string)(await explain.ExecuteScalarAsync())!;
        using var json = JsonDocument.Parse(plan);
        var root = json.RootElement[0].GetProperty("Plan");
        double cost = root.GetProperty("Total Cost").GetDouble();

        Assert.DoesNotContain("Hash Join", plan, StringComparison.Ordinal);
        Assert.Contains("\"Index Name\": \"PK_trials\"", plan, StringComparison.Ordinal);
        Assert.True(cost < 100_000, $"The generic plan costs {cost}, enough for PostgreSQL to compile it at every call: {plan}");
    }

    [StoreFact]
    public async Task ReadObservationChangesAsync_RepeatedAtARecentCursor_PostgreSqlKeepsTheGenericPlan()
    {
        // The change feed runs at every decision. If a custom plan that sees the cursor is costed below the generic one,
        // PostgreSQL plans the statement afresh at every call (it did: 0.27 ms of planning for 0.07 ms of execution).
        var (experiment, cursor, connection) = await PrepareChangesStatementAsync("auto");
        await using var _ = connection;

        // A recent cursor: the last transaction's id, so the custom plans see a range holding one row.
        long recent = cursor.Position - 1;
        for (int i = 0; i < 12; i++)
        {
            await using var execute = connection.CreateCommand();
            execute.CommandText = string.Create(CultureInfo.InvariantCulture, $"EXECUTE changes({experiment.Id}, {recent}, '{{}}')");
            await using var reader = await execute.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
            }
        }

        await using var plans = connection.CreateCommand();
        plans.CommandText = "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = 'changes'";
        await using var row = await plans.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync());
        long generic = row.GetInt64(0), custom = row.GetInt64(1);
        Assert.True(generic >= 6 && custom <= 6, $"12 executions: {generic} generic and {custom} custom plans; PostgreSQL re-plans at every call.");
    }

    [StoreFact]
    public async Task GetTrialSlotsAsync_GenericPlanMadeWhileTheTableWasNew_ReadsNoFinishedTrial()
    {
        // A worker's connection prepares the slot counts in a new database's first seconds, before autovacuum has analysed
        // trials, and PostgreSQL keeps that generic plan until it does. The plan made then read every trial of the
        // experiment at each count (the fleet ran at half speed for its first minute); it must read the unfinished ones only.
        var experiment = await Store.CreateExperimentAsync(Spec());
        await using var connection = await Harness.OpenRawAsync();
        string sql = SqlExperimentStore.SlotCounts.Replace("@experiment", "$1", StringComparison.Ordinal);
        await using (var prepare = connection.CreateCommand())
        {
            prepare.CommandText = string.Create(CultureInfo.InvariantCulture, $"SET plan_cache_mode = force_generic_plan; PREPARE slots(bigint) AS {sql}; EXECUTE slots({experiment.Id})");
            await prepare.ExecuteNonQueryAsync();
        }

        for (int i = 0; i < 300; i++)
        {
            var trial = await Store.CreateTrialAsync(experiment.Id, Params());
            var lease = await Store.ClaimTrialAsync(trial.Id, "w", TimeSpan.FromMinutes(1));
            await Store.FinishTrialAsync(lease, TrialStatus.Stopped, "test");
        }

        for (int i = 0; i < 3; i++)
        {
            await Store.CreateTrialAsync(experiment.Id, Params());
        }

        await using var explain = connection.CreateCommand();
        explain.CommandText = string.Create(CultureInfo.InvariantCulture, $"EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE slots({experiment.Id})");
        string plan = (string)(await explain.ExecuteScalarAsync())!;
        using var json = JsonDocument.Parse(plan);
        double trialRowsRead = TrialRowsRead(json.RootElement[0].GetProperty("Plan"));

        Assert.True(trialRowsRead <= 10, $"The slot counts read {trialRowsRead} trial rows for 3 unfinished trials of 303: {plan}");
        var slots = await Store.GetTrialSlotsAsync(experiment.Id, includeEpochs: false);
        Assert.Equal(new TrialSlots(303, 3, null), slots);
    }

    [StoreFact]
    public async Task ReadObservationChangesAsync_GenericPlanMadeWhileTheTableWasNew_LooksEachTrialUpByKey()
    {
        // Each worker connection prepares the change feed in a new database's first seconds. A generic plan made then
        // looked each changed row's trial up through the (experiment_id, status) index, walking the experiment's trials
        // (measured in a fleet run: 236 buffers and 0.78 ms per read, ten times the PK lookup); it must read one per row.
        var experiment = await Store.CreateExperimentAsync(Spec());
        var first = await Store.CreateTrialAsync(experiment.Id, Params());
        await Store.RecordObservationAsync(await Store.ClaimTrialAsync(first.Id, "w", TimeSpan.FromMinutes(1)), 1, 0.5);
        await using var connection = await Harness.OpenRawAsync();
        string sql = SqlExperimentStore.PostgresChanges.Replace("@experiment", "$1", StringComparison.Ordinal)
            .Replace("@position", "$2", StringComparison.Ordinal).Replace("@in_flight", "$3", StringComparison.Ordinal);
        await using (var prepare = connection.CreateCommand())
        {
            prepare.CommandText = string.Create(CultureInfo.InvariantCulture, $"SET plan_cache_mode = force_generic_plan; PREPARE changes(bigint, bigint, bigint[]) AS {sql}; EXECUTE changes({experiment.Id}, 0, '{{}}')");
            await prepare.ExecuteNonQueryAsync();
        }

        var leases = new List<TrialLease>();
        for (int i = 0; i < 300; i++)
        {
            var trial = await Store.CreateTrialAsync(experiment.Id, Params());
            var lease = await Store.ClaimTrialAsync(trial.Id, "w", TimeSpan.FromMinutes(1));
            await Store.RecordObservationAsync(lease, 1, 0.5);
            leases.Add(lease);
        }

        var cursor = (await Store.ReadObservationChangesAsync(experiment.Id)).Next;
        foreach (var lease in leases.TakeLast(3))
        {
            await Store.RecordObservationAsync(lease, 2, 0.6);
        }

        await using var explain = connection.CreateCommand();
        explain.CommandText = string.Create(CultureInfo.InvariantCulture, $"EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE changes({experiment.Id}, {cursor.Position}, '{{}}')");
        string plan = (string)(await explain.ExecuteScalarAsync())!;
        using var json = JsonDocument.Parse(plan);
        double trialRowsRead = TrialRowsRead(json.RootElement[0].GetProperty("Plan"));

        Assert.True(trialRowsRead <= 10, $"The change feed read {trialRowsRead} trial rows for 3 changed observations of 304: {plan}");
        var changes = await Store.ReadObservationChangesAsync(experiment.Id, cursor);
        Assert.Equal(leases.TakeLast(3).Select(l => (l.TrialId, 2)), changes.Observations.Select(c => (c.TrialId, c.Epoch)));
    }

    /// <summary>Rows the plan's scans of <c>trials</c> produced or filtered out, over every node.</summary>
    private static double TrialRowsRead(JsonElement node)
    {
        double rows = 0;
        if (node.TryGetProperty("Relation Name", out var relation) && relation.GetString() == "trials")
        {
            double loops = node.GetProperty("Actual Loops").GetDouble();
            rows += node.GetProperty("Actual Rows").GetDouble() * loops;
            if (node.TryGetProperty("Rows Removed by Filter", out var removed))
            {
                rows += removed.GetDouble() * loops;
            }
        }

        if (node.TryGetProperty("Plans", out var children))
        {
            foreach (var child in children.EnumerateArray())
            {
                rows += TrialRowsRead(child);
            }
        }

        return rows;
    }

    [StoreFact]
    public async Task ReadObservationChangesAsync_LaterReadsWhileTheTableGrows_KeepTheGenericPlan()
    {
        // PostgreSQL keeps a prepared statement's generic plan only while it costs less than the average of the custom plans
        // made so far, and the change read's costs grow with the observations table. Once the table has grown and been
        // analysed, the statement by itself goes back to a custom plan, made afresh at every call (the control below; a fleet
        // run planned about half its reads). The store sends it in a transaction that forces the generic plan. Both run here on
        // connections that prepare their statements as the store's do (Npgsql's automatic preparation).
        var (_, trial, lease) = await RunningTrialAsync();
        for (int epoch = 1; epoch <= 5; epoch++)
        {
            await Store.RecordObservationAsync(lease, epoch, 0.5);
        }

        var builder = new NpgsqlConnectionStringBuilder(_database!.ConnectionString) { MaxAutoPrepare = 8, AutoPrepareMinUsages = 1 };
        await using var alone = new NpgsqlConnection(builder.ConnectionString);
        await using var store = new NpgsqlConnection(builder.ConnectionString);
        await alone.OpenAsync();
        await store.OpenAsync();
        async Task ReadAsync(NpgsqlConnection connection, string sql, int times)
        {
            for (int i = 0; i < times; i++)
            {
                await using var read = new NpgsqlCommand(sql, connection);
                read.Parameters.AddWithValue("experiment", trial.ExperimentId);
                read.Parameters.AddWithValue("position", 1L);
                read.Parameters.AddWithValue("in_flight", Array.Empty<long>());
                await using var reader = await read.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                }
            }
        }

        static async Task<(long Generic, long Custom)> PlansAsync(NpgsqlConnection connection)
        {
            await using var plans = new NpgsqlCommand("SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE 'WITH snap AS MATERIALIZED%'", connection);
            await using var row = await plans.ExecuteReaderAsync();
            Assert.True(await row.ReadAsync(), "the change read was not prepared");
            return (row.GetInt64(0), row.GetInt64(1));
        }

        await ReadAsync(alone, SqlExperimentStore.PostgresChanges, 8);
        await ReadAsync(store, SqlExperimentStore.PostgresChangesGeneric, 8);
        await using (var grow = new NpgsqlCommand(
            $"INSERT INTO observations (trial_id, epoch, value, recorded_at) SELECT {trial.Id}, g, 0.5, now() FROM generate_series(6, 30005) g; ANALYZE observations", store))
        {
            await grow.ExecuteNonQueryAsync();
        }

        var before = await PlansAsync(alone);
        await ReadAsync(alone, SqlExperimentStore.PostgresChanges, 10);
        await ReadAsync(store, SqlExperimentStore.PostgresChangesGeneric, 10);
        var after = await PlansAsync(alone);

        Assert.True(after.Custom - before.Custom >= 5, $"Control: the statement alone made {after.Custom - before.Custom} custom plans in 10 reads after the table grew (plans {before} → {after}); PostgreSQL no longer shows what the store guards against.");
        Assert.Equal((18L, 0L), await PlansAsync(store));
    }

    /// <summary>
    /// An experiment of 300 trials with an observation each, the cursor after them, and a raw connection on which the
    /// change feed's later read is prepared as <c>changes</c> under the given <c>plan_cache_mode</c>.
    /// </summary>
    private async Task<(ExperimentRecord Experiment, ObservationCursor Cursor, System.Data.Common.DbConnection Connection)> PrepareChangesStatementAsync(string planCacheMode)
    {
        var experiment = await Store.CreateExperimentAsync(Spec());
        for (int i = 0; i < 300; i++)
        {
            var trial = await Store.CreateTrialAsync(experiment.Id, Params());
            var lease = await Store.ClaimTrialAsync(trial.Id, "w", TimeSpan.FromMinutes(1));
            await Store.RecordObservationAsync(lease, 1, 0.5);
        }

        var cursor = (await Store.ReadObservationChangesAsync(experiment.Id)).Next;
        var connection = await Harness.OpenRawAsync();
        string sql = SqlExperimentStore.PostgresChanges.Replace("@experiment", "$1", StringComparison.Ordinal)
            .Replace("@position", "$2", StringComparison.Ordinal).Replace("@in_flight", "$3", StringComparison.Ordinal);
        await using var prepare = connection.CreateCommand();
        prepare.CommandText = $"ANALYZE trials; ANALYZE observations; SET plan_cache_mode = {planCacheMode}; PREPARE changes(bigint, bigint, bigint[]) AS {sql}";
        await prepare.ExecuteNonQueryAsync();
        return (experiment, cursor, connection);
    }

    [StoreFact]
    public async Task CheckConstraints_NaNAndInfinityWrittenBehindTheStoresBack_Rejected()
    {
        var (_, trial, _) = await RunningTrialAsync();
        await using var connection = await Harness.OpenRawAsync();

        foreach (string value in new[] { "NaN", "Infinity", "-Infinity" })
        {
            await using var insert = connection.CreateCommand();
            insert.CommandText = $"INSERT INTO observations (trial_id, epoch, value, recorded_at) VALUES ({trial.Id}, 1, '{value}'::float8, now())";
            var error = await Assert.ThrowsAsync<PostgresException>(() => insert.ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.CheckViolation, error.SqlState);
        }

        Assert.Equal(0, await Harness.ScalarAsync("SELECT COUNT(*) FROM observations"));
    }

    [StoreFact]
    public async Task Connection_DefaultApplicationName_OperatorsSeeHpoInPgStatActivity()
    {
        var builder = new NpgsqlConnectionStringBuilder(_database!.ConnectionString) { ApplicationName = null };
        await using var harness = await StoreHarness.CreateAsync(builder.ConnectionString);
        await harness.Store.CreateExperimentAsync(Spec());

        Assert.True(await harness.ScalarAsync($"SELECT COUNT(*) FROM pg_stat_activity WHERE datname = '{_database.Name}' AND application_name = 'hpo'") >= 1);
    }

    [StoreFact]
    public async Task RecordObservationAndDecision_BackendTerminatedRepeatedlyMidWrite_RetriedWithoutLossOrDuplicate()
    {
        string application = "hpo-chaos-" + Guid.NewGuid().ToString("N")[..8];
        var builder = new NpgsqlConnectionStringBuilder(_database!.ConnectionString) { ApplicationName = application };
        await using var chaos = await StoreHarness.CreateAsync(builder.ConnectionString, o => o.MaxAttempts = 12);
        var experiment = await chaos.Store.CreateExperimentAsync(Spec(maxEpochs: MaxChaosEpochs));
        var trial = await chaos.Store.CreateTrialAsync(experiment.Id, Params());
        var lease = await chaos.Store.ClaimTrialAsync(trial.Id, "worker-chaos", TimeSpan.FromMinutes(10));
        using var writerDone = new CancellationTokenSource();
        int killed = 0;

        var killer = Task.Run(async () =>
        {
            await using var admin = await Harness.OpenRawAsync();
            while (!writerDone.IsCancellationRequested)
            {
                await using var kill = admin.CreateCommand();
                kill.CommandText = $"SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '{application}' AND state <> 'idle'";
                Interlocked.Add(ref killed, Convert.ToInt32(await kill.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
                // Often enough to hit many writes mid-statement, rarely enough that a retry gets through.
                await Task.Delay(25);
            }
        });

        // A write is one short statement, so most polls find the backend idle: write until enough writes were
        // hit (or the epochs run out, which fails below).
        int written = 0;
        while (written < MaxChaosEpochs && (written < 400 || Volatile.Read(ref killed) < 3))
        {
            written++;
            await chaos.Store.RecordObservationAsync(lease, written, written / 100_000.0);
            await chaos.Store.RecordDecisionAsync(lease, Decision(trial.Id, written));
        }

        await writerDone.CancelAsync();
        await killer;

        Assert.True(killed >= 3, $"the chaos loop terminated only {killed} backends mid-statement in {written} writes");
        Assert.Equal(written, await Harness.ScalarAsync("SELECT COUNT(*) FROM observations"));
        Assert.Equal(written, await Harness.ScalarAsync("SELECT COUNT(DISTINCT epoch) FROM observations"));
        Assert.Equal(written, await Harness.ScalarAsync("SELECT COUNT(*) FROM decisions"));
        var curve = (await Harness.Store.GetCurvesAsync([trial.Id]))[trial.Id];
        Assert.All(curve, o => Assert.Equal(o.Epoch / 100_000.0, o.Value));
        Assert.Equal(written, (await Harness.Store.GetTrialAsync(trial.Id))!.LastEpoch);
        Assert.Equal(written / 100_000.0, (await Harness.Store.GetTrialAsync(trial.Id))!.LastValue);
    }

    [StoreFact]
    public async Task TryCreateClaimedTrialAsync_QueuedBehindACreationWithASlotLeft_CreatesTheNextNumber()
    {
        // A creator whose statement waited on the experiment row while another transaction made trial 2: its snapshot's
        // count misses that trial, the counter's move accounts for it, and one of the three slots is still free.
        var (experiment, made) = await CreateClaimedBehindAnotherCreationAsync(maxUnfinished: 3);

        Assert.NotNull(made);
        Assert.Equal(3, made.Trial.Number);
        AssertJsonEqual(Params(lr: 0.03), made.Trial.ParametersJson);
        Assert.Equal(new TrialSlots(3, 3, null), await Store.GetTrialSlotsAsync(experiment.Id, includeEpochs: false));
    }

    [StoreFact]
    public async Task TryCreateClaimedTrialAsync_QueuedBehindACreationThatTookTheLastSlot_ReturnsNullAndWritesNothing()
    {
        // The same queue with two slots: the snapshot saw one unfinished trial, the other transaction made the second, so the
        // waiting creator must write nothing (a count without the counter's move admitted it: 4 trials for 3 slots in CI).
        var (experiment, made) = await CreateClaimedBehindAnotherCreationAsync(maxUnfinished: 2);

        Assert.Null(made);
        Assert.Equal(new TrialSlots(2, 2, null), await Store.GetTrialSlotsAsync(experiment.Id, includeEpochs: false));
    }

    /// <summary>
    /// Trial 1 running; a raw transaction creates trial 2 and holds the experiment row until the store's claimed creation
    /// (window 2–3, proposals lr 0.02 and 0.03) waits for it, then commits.
    /// </summary>
    private async Task<(ExperimentRecord Experiment, ClaimedTrial? Made)> CreateClaimedBehindAnotherCreationAsync(int maxUnfinished)
    {
        var experiment = await Store.CreateExperimentAsync(Spec());
        await Store.TryCreateClaimedTrialAsync(experiment.Id, 1, [Params()], maxUnfinished, null, "w1", TimeSpan.FromMinutes(1));
        await using var other = await Harness.OpenRawAsync();
        await using var transaction = await other.BeginTransactionAsync();
        await using (var create = other.CreateCommand())
        {
            create.Transaction = transaction;
            create.CommandText = string.Create(CultureInfo.InvariantCulture,
                $"""
                UPDATE experiments SET trial_count = trial_count + 1 WHERE id = {experiment.Id};
                INSERT INTO trials (experiment_id, number, parameters, status, attempt, created_at, last_epoch)
                VALUES ({experiment.Id}, 2, '{Params()}'::jsonb, 'Running', 1, now(), 0)
                """);
            await create.ExecuteNonQueryAsync();
        }

        var creation = Task.Run(() => Store.TryCreateClaimedTrialAsync(experiment.Id, 2, [Params(lr: 0.02), Params(lr: 0.03)], maxUnfinished, null, "w2", TimeSpan.FromMinutes(1)));
        string waiting = $"SELECT COUNT(*) FROM pg_stat_activity WHERE datname = '{_database!.Name}' AND wait_event_type = 'Lock'";
        for (int poll = 0; await Harness.ScalarAsync(waiting) == 0; poll++)
        {
            Assert.False(creation.IsCompleted, "the claimed creation finished without waiting for the experiment row");
            Assert.True(poll < 500, "the claimed creation never waited for the experiment row");
            await Task.Delay(10);
        }

        await transaction.CommitAsync();
        return (experiment, await creation);
    }
}
