using Hpo.Scheduler.Persistence;
using Hpo.Storage.Resilience;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Hpo.Storage.Tests.Resilience;

public sealed class TransientErrorsTests
{
    [Theory]
    [InlineData("40001", true)] // serialization_failure
    [InlineData("40P01", true)] // deadlock_detected
    [InlineData("57P01", true)] // admin_shutdown (pg_terminate_backend)
    [InlineData("57P03", true)] // cannot_connect_now (starting up)
    [InlineData("08006", true)] // connection_failure
    [InlineData("53300", true)] // too_many_connections
    [InlineData("23505", false)] // unique_violation: a bug, never retried
    [InlineData("23514", false)] // check_violation
    [InlineData("42P01", false)] // undefined_table: not migrated
    public void IsTransient_PostgresSqlState_OnlyRetryableStates(string sqlState, bool expected)
    {
        var error = new PostgresException("message", "ERROR", "ERROR", sqlState);

        Assert.Equal(expected, TransientErrors.IsTransient(error));
        Assert.Equal(expected, TransientErrors.IsTransient(new InvalidOperationException("wrapped", error)));
    }

    [Fact]
    public void IsTransient_BrokenConnectionAndSqliteBusy_True()
    {
        Assert.True(TransientErrors.IsTransient(new NpgsqlException("Exception while reading from stream", new EndOfStreamException())));
        Assert.True(TransientErrors.IsConnectionLoss(new NpgsqlException("Exception while reading from stream", new IOException("reset"))));
        Assert.True(TransientErrors.IsTransient(new SqliteException("database is locked", 5)));
        Assert.False(TransientErrors.IsTransient(new SqliteException("constraint failed", 19)));
    }

    [Fact]
    public void IsTransient_TypedStoreErrors_NeverRetried()
    {
        Assert.False(TransientErrors.IsTransient(new HpoValidationException("epoch -1 is not a valid epoch")));
        Assert.False(TransientErrors.IsTransient(new StaleLeaseException("stale")));
        Assert.False(TransientErrors.IsTransient(new ObservationConflictException("conflict")));
        Assert.False(TransientErrors.IsConnectionLoss(new PostgresException("m", "ERROR", "ERROR", "40001")));
    }
}
