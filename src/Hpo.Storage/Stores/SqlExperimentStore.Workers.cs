using Hpo.Scheduler.Persistence;
using Hpo.Storage.Validation;

namespace Hpo.Storage.Stores;

/// <summary>Worker registry.</summary>
internal sealed partial class SqlExperimentStore
{
    public async Task<WorkerRecord> UpsertWorkerAsync(string workerId, string host, CancellationToken cancellationToken = default)
    {
        InputValidator.Worker(workerId);
        InputValidator.Host(host);
        var now = Now();
        return await _executor.WriteAsync("UpsertWorker", idempotent: true, async (s, ct) =>
        {
            await using var upsert = s.Command(
                """
                INSERT INTO workers (id, host, started_at, last_heartbeat) VALUES (@id, @host, @now, @now)
                ON CONFLICT (id) DO UPDATE SET host = excluded.host, last_heartbeat = excluded.last_heartbeat
                RETURNING id, host, started_at, last_heartbeat
                """)
                .With("id", workerId).With("host", host).With("now", s.Dialect.Time(now));
            return (await ReadSingleAsync(upsert, r => new WorkerRecord(r.GetString(0), r.GetString(1), s.Dialect.ReadTime(r, 2), s.Dialect.ReadTime(r, 3)), ct))!;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<WorkerRecord>> ListWorkersAsync(CancellationToken cancellationToken = default) =>
        _executor.ReadAsync<IReadOnlyList<WorkerRecord>>("ListWorkers", async (s, ct) =>
        {
            await using var select = s.Command("SELECT id, host, started_at, last_heartbeat FROM workers ORDER BY last_heartbeat DESC, id");
            return await ReadAllAsync(select, r => new WorkerRecord(r.GetString(0), r.GetString(1), s.Dialect.ReadTime(r, 2), s.Dialect.ReadTime(r, 3)), cancellationToken);
        }, cancellationToken);
}
