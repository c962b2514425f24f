using System.Globalization;
using System.Security.Cryptography;
using Hpo.Scheduler.Persistence;
using Hpo.Storage.Validation;

namespace Hpo.Storage.Stores;

/// <summary>Paused trials: the checkpoint and the status change in one lease-fenced transaction, reads, stop for good.</summary>
internal sealed partial class SqlExperimentStore
{
    public async Task PauseTrialAsync(TrialLease lease, int epoch, ReadOnlyMemory<byte> checkpoint, string? reason = null, CancellationToken cancellationToken = default)
    {
        InputValidator.Lease(lease);
        _validate.Finish(TrialStatus.Stopped, reason);
        if (checkpoint.IsEmpty)
        {
            throw new HpoValidationException($"checkpoint of trial {lease.TrialId} is empty; a paused trial needs the state to resume from. Nothing was written.");
        }

        if (checkpoint.Length > _options.MaxCheckpointBytes)
        {
            throw new HpoValidationException(string.Create(
                CultureInfo.InvariantCulture,
                $"checkpoint of trial {lease.TrialId} is {checkpoint.Length:N0} bytes; the limit is {_options.MaxCheckpointBytes:N0} bytes (HpoStorageOptions.MaxCheckpointBytes). Nothing was written."));
        }

        var trial = await GetTrialFactsAsync(lease.TrialId, cancellationToken);
        InputValidator.EpochWithin("epoch", epoch, trial.MaxEpochs);
        if (epoch < 1)
        {
            throw new HpoValidationException($"epoch {epoch} must be at least 1: a trial pauses after an epoch it recorded.");
        }

        string sha256 = Convert.ToHexStringLower(SHA256.HashData(checkpoint.Span));
        var now = Now();

        // A large checkpoint goes to the folder first (under a name no other pause uses) and the transaction records
        // it; if the transaction fails, the file is removed again, so a failed pause leaves nothing behind.
        string? file = null;
        if (_options.CheckpointFolder is { } folder && checkpoint.Length > _options.CheckpointInlineBytes)
        {
            file = Path.Combine(Path.GetFullPath(folder), string.Create(CultureInfo.InvariantCulture, $"trial-{lease.TrialId}-epoch-{epoch}-{lease.Token:N}.ckpt"));
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            string temporary = file + ".tmp";
            await File.WriteAllBytesAsync(temporary, checkpoint, cancellationToken);
            File.Move(temporary, file, overwrite: true);
        }

        string? replaced;
        try
        {
            replaced = await _executor.WriteAsync("PauseTrial", idempotent: true, async (s, ct) =>
            {
                var state = await ReadLeaseStateAsync(s, lease.TrialId, ct);
                if (state is { Status: TrialStatus.Paused } && state.Token == lease.Token && await ReadCheckpointEpochAsync(s, lease.TrialId, ct) == epoch)
                {
                    // This very pause committed already (a retry after a lost acknowledgement).
                    return file;
                }

                await LockCurrentLeaseAsync(s, lease, $"pause after epoch {epoch}", ct);
                await using (var last = s.Command("SELECT last_epoch FROM trials WHERE id = @id").With("id", lease.TrialId))
                {
                    int lastEpoch = Convert.ToInt32(await last.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
                    if (lastEpoch != epoch)
                    {
                        throw new HpoValidationException($"epoch {epoch}: trial {lease.TrialId} has recorded epochs up to {lastEpoch}; a checkpoint is taken after the last recorded epoch. Nothing was written.");
                    }
                }

                string? previous;
                await using (var old = s.Command("SELECT file_path FROM checkpoints WHERE trial_id = @id").With("id", lease.TrialId))
                {
                    previous = await old.ExecuteScalarAsync(ct) as string;
                }

                await using (var upsert = s.Command(
                    """
                    INSERT INTO checkpoints (trial_id, epoch, size_bytes, sha256, data, file_path, saved_at)
                    VALUES (@id, @epoch, @size, @sha, @data, @file, @now)
                    ON CONFLICT (trial_id) DO UPDATE SET epoch = excluded.epoch, size_bytes = excluded.size_bytes, sha256 = excluded.sha256,
                        data = excluded.data, file_path = excluded.file_path, saved_at = excluded.saved_at
                    """))
                {
                    upsert.With("id", lease.TrialId).With("epoch", epoch).With("size", (long)checkpoint.Length).With("sha", sha256)
                        .With("data", file is null ? checkpoint.ToArray() : null).With("file", file).With("now", s.Dialect.Time(now));
                    await upsert.ExecuteNonQueryAsync(ct);
                }

                await using (var pause = s.Command("UPDATE trials SET status = @paused, stop_reason = @reason WHERE id = @id AND lease_token = @token AND status = @running"))
                {
                    pause.With("paused", TrialStatus.Paused).With("reason", reason).With("id", lease.TrialId)
                        .With("token", s.Dialect.Token(lease.Token)).With("running", TrialStatus.Running);
                    if (await pause.ExecuteNonQueryAsync(ct) != 1)
                    {
                        await ThrowLeaseProblemAsync(s, lease, $"pause after epoch {epoch}", ct);
                    }
                }

                return previous;
            }, cancellationToken);
        }
        catch when (file is not null)
        {
            TryDelete(file);
            throw;
        }

        // The earlier pause's file is no longer referenced (this one replaced its row).
        if (replaced is not null && replaced != file)
        {
            TryDelete(replaced);
        }
    }

    public Task<TrialCheckpoint?> GetCheckpointAsync(long trialId, CancellationToken cancellationToken = default) =>
        _executor.ReadAsync<TrialCheckpoint?>("GetCheckpoint", async (s, ct) =>
        {
            await using var select = s.Command("SELECT epoch, size_bytes, sha256, data, file_path, saved_at FROM checkpoints WHERE trial_id = @id").With("id", trialId);
            await using var reader = await select.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                await reader.DisposeAsync();
                await using var exists = s.Command("SELECT COUNT(*) FROM trials WHERE id = @id").With("id", trialId);
                if (Convert.ToInt64(await exists.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) == 0)
                {
                    throw new NotFoundException($"Trial {trialId} does not exist.");
                }

                return null;
            }

            int epoch = reader.GetInt32(0);
            long size = reader.GetInt64(1);
            string sha256 = reader.GetString(2);
            var savedAt = s.Dialect.ReadTime(reader, 5);
            if (!reader.IsDBNull(3))
            {
                return new TrialCheckpoint(trialId, epoch, reader.GetFieldValue<byte[]>(3), savedAt);
            }

            string file = reader.GetString(4);
            byte[] data;
            try
            {
                data = await File.ReadAllBytesAsync(file, ct);
            }
            catch (IOException ex)
            {
                throw new InvalidDataException($"The checkpoint of trial {trialId} (epoch {epoch}) is stored in '{file}', which cannot be read: {ex.Message}", ex);
            }

            if (data.LongLength != size || Convert.ToHexStringLower(SHA256.HashData(data)) != sha256)
            {
                throw new InvalidDataException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"The checkpoint file '{file}' of trial {trialId} (epoch {epoch}) is {data.LongLength} bytes with another SHA-256 than the {size} bytes stored; it was changed or truncated."));
            }

            return new TrialCheckpoint(trialId, epoch, data, savedAt);
        }, cancellationToken);

    public async Task StopPausedTrialAsync(long trialId, string reason, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new HpoValidationException("reason is empty; say why the paused trial ends.");
        }

        _validate.Finish(TrialStatus.Stopped, reason);
        var now = Now();
        await _executor.WriteAsync("StopPausedTrial", idempotent: true, async (s, ct) =>
        {
            await using var update = s.Command("UPDATE trials SET status = @stopped, finished_at = @now, stop_reason = @reason WHERE id = @id AND status = @paused")
                .With("stopped", TrialStatus.Stopped).With("now", s.Dialect.Time(now)).With("reason", reason).With("id", trialId).With("paused", TrialStatus.Paused);
            if (await update.ExecuteNonQueryAsync(ct) == 1)
            {
                return true;
            }

            var state = await ReadLeaseStateAsync(s, trialId, ct) ?? throw new NotFoundException($"Trial {trialId} does not exist.");
            return state.Status == TrialStatus.Stopped
                ? false
                : throw new TrialStateException($"Trial {trialId} is {state.Status}; only a paused trial can be stopped for good without its lease. Nothing was written.");
        }, cancellationToken);
    }

    public async Task<bool> RequeuePausedTrialAsync(long trialId, CancellationToken cancellationToken = default) =>
        await _executor.WriteAsync("RequeuePausedTrial", idempotent: false, async (s, ct) =>
        {
            await using var update = s.Command("UPDATE trials SET status = @pending, stop_reason = NULL WHERE id = @id AND status = @paused")
                .With("pending", TrialStatus.Pending).With("id", trialId).With("paused", TrialStatus.Paused);
            if (await update.ExecuteNonQueryAsync(ct) == 1)
            {
                return true;
            }

            await using var exists = s.Command("SELECT COUNT(*) FROM trials WHERE id = @id").With("id", trialId);
            return Convert.ToInt64(await exists.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) == 0
                ? throw new NotFoundException($"Trial {trialId} does not exist.")
                : false;
        }, cancellationToken);

    private static async Task<int?> ReadCheckpointEpochAsync(SqlSession s, long trialId, CancellationToken ct)
    {
        await using var select = s.Command("SELECT epoch FROM checkpoints WHERE trial_id = @id").With("id", trialId);
        return await select.ExecuteScalarAsync(ct) is { } value and not DBNull ? Convert.ToInt32(value, CultureInfo.InvariantCulture) : null;
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (IOException)
        {
            // A file that cannot be removed is only wasted space: nothing refers to it.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
