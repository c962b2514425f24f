using Hpo.Scheduler.Persistence;
using Hpo.Storage.Validation;

namespace Hpo.Storage.Stores;

/// <summary>Experiments: create, read, list, set status.</summary>
internal sealed partial class SqlExperimentStore
{
    public async Task<ExperimentRecord> CreateExperimentAsync(ExperimentSpec spec, CancellationToken cancellationToken = default)
    {
        _validate.Experiment(spec);
        string name = spec.Name.Trim();
        var now = Now();

        // Not idempotent: a retry after a lost COMMIT acknowledgement would meet its own row and report the
        // name as taken, so only failures before COMMIT are retried.
        var created = await _executor.WriteAsync("CreateExperiment", idempotent: false, async (s, ct) =>
        {
            await using var insert = s.Command(
                $"""
                INSERT INTO experiments (name, metric_name, direction, metric_lower_bound, metric_upper_bound, max_epochs,
                    search_space, tuner, policy, settings, status, trial_count, created_at, updated_at)
                VALUES (@name, @metric, @direction, @lower, @upper, @max_epochs,
                    {s.Dialect.Json("@space")}, {s.Dialect.Json("@tuner")}, {s.Dialect.Json("@policy")}, {s.Dialect.Json("@settings")},
                    @status, 0, @now, @now)
                ON CONFLICT (name) DO NOTHING
                RETURNING {ExperimentColumns}
                """)
                .With("name", name).With("metric", spec.MetricName.Trim()).With("direction", spec.Direction)
                .With("lower", spec.MetricLowerBound).With("upper", spec.MetricUpperBound).With("max_epochs", spec.MaxEpochs)
                .With("space", spec.SearchSpaceJson).With("tuner", spec.TunerJson).With("policy", spec.PolicyJson).With("settings", spec.SettingsJson)
                .With("status", ExperimentStatus.Created).With("now", s.Dialect.Time(now));
            return await ReadSingleAsync(insert, ReadExperiment, ct);
        }, cancellationToken);

        return created ?? throw new HpoValidationException($"Name '{name}' is taken: an experiment with that name already exists.");
    }

    public Task<ExperimentRecord?> GetExperimentAsync(long experimentId, CancellationToken cancellationToken = default) =>
        _executor.ReadAsync("GetExperiment", async (s, ct) =>
        {
            await using var select = s.Command($"SELECT {ExperimentColumns} FROM experiments WHERE id = @id").With("id", experimentId);
            return await ReadSingleAsync(select, ReadExperiment, ct);
        }, cancellationToken);

    public Task<ExperimentRecord?> FindExperimentAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _executor.ReadAsync("FindExperiment", async (s, ct) =>
        {
            await using var select = s.Command($"SELECT {ExperimentColumns} FROM experiments WHERE name = @name").With("name", name.Trim());
            return await ReadSingleAsync(select, ReadExperiment, ct);
        }, cancellationToken);
    }

    public async Task SetExperimentStatusAsync(long experimentId, ExperimentStatus status, CancellationToken cancellationToken = default)
    {
        InputValidator.Status(status);
        var now = Now();
        int rows = await _executor.WriteAsync("SetExperimentStatus", idempotent: true, async (s, ct) =>
        {
            await using var update = s.Command("UPDATE experiments SET status = @status, updated_at = @now WHERE id = @id")
                .With("status", status).With("now", s.Dialect.Time(now)).With("id", experimentId);
            return await update.ExecuteNonQueryAsync(ct);
        }, cancellationToken);
        if (rows == 0)
        {
            throw new NotFoundException($"Experiment {experimentId} does not exist.");
        }
    }

    public async Task<Page<ExperimentRecord>> ListExperimentsAsync(int pageNumber = 1, int pageSize = 50, CancellationToken cancellationToken = default)
    {
        _validate.Page(pageNumber, pageSize);
        return await _executor.ReadAsync("ListExperiments", async (s, ct) =>
        {
            await using var count = s.Command("SELECT COUNT(*) FROM experiments");
            long total = Convert.ToInt64(await count.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
            await using var select = s.Command($"SELECT {ExperimentColumns} FROM experiments ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset")
                .With("limit", pageSize).With("offset", (long)(pageNumber - 1) * pageSize);
            var items = await ReadAllAsync(select, ReadExperiment, ct);
            return new Page<ExperimentRecord>(items, pageNumber, pageSize, total);
        }, cancellationToken);
    }

    private async Task<ExperimentFacts> GetExperimentFactsAsync(long experimentId, CancellationToken cancellationToken)
    {
        if (_experimentFacts.TryGetValue(experimentId, out var cached))
        {
            return cached;
        }

        var facts = await _executor.ReadAsync("GetExperimentFacts", async (s, ct) =>
        {
            await using var select = s.Command("SELECT id, name, search_space, max_epochs, direction FROM experiments WHERE id = @id").With("id", experimentId);
            return await ReadSingleAsync(select, r => new ExperimentFacts(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetInt32(3), Enum.Parse<MetricDirection>(r.GetString(4))), ct);
        }, cancellationToken) ?? throw new NotFoundException($"Experiment {experimentId} does not exist.");
        return _experimentFacts.GetOrAdd(experimentId, facts);
    }
}
