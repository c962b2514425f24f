using System.Data.Common;
using System.Globalization;
using Hpo.Storage.Connections;

namespace Hpo.Storage.Stores;

/// <summary>
/// What the store's SQL needs to know about the engine. Both engines speak INSERT … ON CONFLICT DO NOTHING,
/// RETURNING and LIMIT/OFFSET, so the statements are shared; only types, JSON casts, row locks and list
/// parameters differ. The encodings match the EF model (SQLite: UTC ticks and lower-case GUID text).
/// </summary>
internal sealed class SqlDialect
{
    private SqlDialect(DatabaseProvider provider) => Provider = provider;

    public static SqlDialect PostgreSql { get; } = new(DatabaseProvider.PostgreSql);

    public static SqlDialect Sqlite { get; } = new(DatabaseProvider.Sqlite);

    public DatabaseProvider Provider { get; }

    private bool IsPostgreSql => Provider == DatabaseProvider.PostgreSql;

    /// <summary>
    /// Whether the hot writes run as one autocommitted statement each: PostgreSQL takes row locks inside a
    /// statement and allows INSERT and UPDATE inside WITH, so fence, write and aggregates fit in one round trip.
    /// SQLite has no DML in WITH and keeps its BEGIN IMMEDIATE transactions, which wait on the busy timeout.
    /// </summary>
    public bool SingleStatementWrites => IsPostgreSql;

    /// <summary>Whether writers lock rows (PostgreSQL) rather than the whole database at BEGIN IMMEDIATE (SQLite).</summary>
    public bool LocksRows => IsPostgreSql;

    public static SqlDialect For(DatabaseProvider provider) => provider == DatabaseProvider.PostgreSql ? PostgreSql : Sqlite;

    /// <summary>A JSON parameter: PostgreSQL casts the text to jsonb (validating it once more).</summary>
    public string Json(string parameter) => IsPostgreSql ? $"CAST({parameter} AS jsonb)" : parameter;

    /// <summary>Row lock on the named table's rows; SQLite needs none because BEGIN IMMEDIATE already serialises writers.</summary>
    public string ForUpdateOf(string alias) => IsPostgreSql ? $" FOR UPDATE OF {alias}" : string.Empty;

    /// <summary>"column is one of the ids in parameter", in one statement whatever the number of ids.</summary>
    public string InIds(string column, string parameter) =>
        IsPostgreSql ? $"{column} = ANY({parameter})" : $"{column} IN (SELECT value FROM json_each({parameter}))";

    public object Ids(IEnumerable<long> ids) =>
        IsPostgreSql ? ids.ToArray() : "[" + string.Join(",", ids.Select(id => id.ToString(CultureInfo.InvariantCulture))) + "]";

    public object Time(DateTimeOffset value) => IsPostgreSql ? value.ToUniversalTime() : value.UtcTicks;

    public object Token(Guid value) => IsPostgreSql ? value : value.ToString("D");

    public DateTimeOffset ReadTime(DbDataReader reader, int ordinal) =>
        IsPostgreSql ? reader.GetFieldValue<DateTimeOffset>(ordinal) : new DateTimeOffset(reader.GetInt64(ordinal), TimeSpan.Zero);

    public DateTimeOffset? ReadTimeOrNull(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : ReadTime(reader, ordinal);

    public Guid? ReadTokenOrNull(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : IsPostgreSql ? reader.GetGuid(ordinal) : Guid.Parse(reader.GetString(ordinal));
}
