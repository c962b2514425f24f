using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Hpo.Storage.Resilience;

/// <summary>
/// Which database errors are worth another attempt: the server rolled the transaction back (serialization
/// failure, deadlock), the connection died (reset, admin shutdown, crash recovery), or the server was briefly
/// unavailable (too many connections, starting up). Constraint violations and bad SQL never are.
/// </summary>
public static class TransientErrors
{
    /// <summary>Whether <paramref name="exception"/> (or what it wraps) is transient.</summary>
    public static bool IsTransient(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg:
                    return pg.SqlState is "40001" or "40P01" or "57P01" or "57P02" or "57P03" or "53300" or "53400" or "55P03"
                        || pg.SqlState.StartsWith("08", StringComparison.Ordinal)
                        || pg.IsTransient;
                case NpgsqlException npgsql when npgsql.IsTransient:
                    return true;
                case SqliteException sqlite:
                    // SQLITE_BUSY and SQLITE_LOCKED: another writer held the file past the busy timeout.
                    return sqlite.SqliteErrorCode is 5 or 6;
                case IOException or SocketException or EndOfStreamException:
                    return true;
            }
        }

        return false;
    }

    /// <summary>Whether the error means the connection itself is gone (as opposed to a rolled-back transaction).</summary>
    public static bool IsConnectionLoss(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg:
                    return pg.SqlState is "57P01" or "57P02" or "57P03" || pg.SqlState.StartsWith("08", StringComparison.Ordinal);
                case IOException or SocketException or EndOfStreamException:
                    return true;
            }
        }

        return false;
    }
}
