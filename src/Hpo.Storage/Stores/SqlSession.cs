using System.Data.Common;

namespace Hpo.Storage.Stores;

/// <summary>One attempt of one store operation: an open connection, its transaction (for writes) and the dialect.</summary>
internal sealed class SqlSession(DbConnection connection, DbTransaction? transaction, SqlDialect dialect)
{
    public SqlDialect Dialect { get; } = dialect;

    public DbCommand Command(string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }
}
