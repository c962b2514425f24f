using Npgsql;

namespace Hpo.Workers.Leasing;

/// <summary>
/// A PostgreSQL session advisory lock held on its own unpooled connection: if the holder dies, its backend
/// ends and the server releases the lock at once (no expiry to wait out, unlike a lock row).
/// </summary>
internal sealed class AdvisoryLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly int _classId;
    private readonly int _objectId;

    private AdvisoryLock(NpgsqlConnection connection, int classId, int objectId)
    {
        _connection = connection;
        _classId = classId;
        _objectId = objectId;
    }

    /// <summary>Waits for the lock (at most <paramref name="timeout"/>, then the command times out).</summary>
    public static async Task<AdvisoryLock> AcquireAsync(string connectionString, int classId, int objectId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var connection = await OpenAsync(connectionString, timeout, cancellationToken).ConfigureAwait(false);
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_lock(@c, @o)", connection);
            command.Parameters.AddWithValue("c", classId);
            command.Parameters.AddWithValue("o", objectId);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return new AdvisoryLock(connection, classId, objectId);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Takes the lock if it is free; null when another session holds it.</summary>
    public static async Task<AdvisoryLock?> TryAcquireAsync(string connectionString, int classId, int objectId, CancellationToken cancellationToken = default)
    {
        var connection = await OpenAsync(connectionString, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@c, @o)", connection);
            command.Parameters.AddWithValue("c", classId);
            command.Parameters.AddWithValue("o", objectId);
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true)
            {
                return new AdvisoryLock(connection, classId, objectId);
            }
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        await connection.DisposeAsync().ConfigureAwait(false);
        return null;
    }

    /// <summary>Throws when the lock's session is gone (its connection was terminated), so the caller stops acting under it.</summary>
    public async Task EnsureHeldAsync(CancellationToken cancellationToken = default)
    {
        await using var command = new NpgsqlCommand("SELECT 1", _connection);
        await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(@c, @o)", _connection);
            command.Parameters.AddWithValue("c", _classId);
            command.Parameters.AddWithValue("o", _objectId);
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        catch (NpgsqlException)
        {
            // The session is gone, and with it the lock.
        }
        catch (InvalidOperationException)
        {
            // The connection is broken; closing it below releases the lock.
        }

        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // Unpooled: a pooled connection would keep the session (and a forgotten lock) alive after close.
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = false,
            CommandTimeout = (int)Math.Clamp(Math.Ceiling(timeout.TotalSeconds), 1, 3600),
        };
        builder.ApplicationName = $"{builder.ApplicationName}-lock";
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }
}
