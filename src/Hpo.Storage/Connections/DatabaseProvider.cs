namespace Hpo.Storage.Connections;

/// <summary>The database engines Hpo stores its records in.</summary>
public enum DatabaseProvider
{
    /// <summary>An embedded SQLite file: the default for one machine.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server: for a fleet of workers on many machines.</summary>
    PostgreSql,
}
