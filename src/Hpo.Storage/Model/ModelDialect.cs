using System.Globalization;
using Hpo.Storage.Connections;

namespace Hpo.Storage.Model;

/// <summary>The few schema details that differ between the engines (JSON column type, finite-number CHECKs).</summary>
internal sealed class ModelDialect
{
    private ModelDialect(DatabaseProvider provider) => Provider = provider;

    public static ModelDialect PostgreSql { get; } = new(DatabaseProvider.PostgreSql);

    public static ModelDialect Sqlite { get; } = new(DatabaseProvider.Sqlite);

    public DatabaseProvider Provider { get; }

    /// <summary>jsonb on PostgreSQL (validated and indexable); TEXT on SQLite.</summary>
    public string? JsonColumnType => Provider == DatabaseProvider.PostgreSql ? "jsonb" : null;

    /// <summary>
    /// A CHECK that <paramref name="column"/> is a finite number. PostgreSQL orders NaN above +Infinity, so the
    /// open interval (-Infinity, Infinity) rejects NaN and both infinities. SQLite stores NaN as NULL (rejected by
    /// NOT NULL, and by the store before it gets here) and has no infinity literal, so 9e999 stands for it.
    /// </summary>
    public string Finite(string column, bool nullable)
    {
        string range = Provider == DatabaseProvider.PostgreSql
            ? string.Create(CultureInfo.InvariantCulture, $"{column} > '-Infinity'::float8 AND {column} < 'Infinity'::float8")
            : string.Create(CultureInfo.InvariantCulture, $"{column} > -9e999 AND {column} < 9e999");
        return nullable ? $"{column} IS NULL OR ({range})" : range;
    }

    /// <summary>A CHECK that <paramref name="column"/> holds one of an enum's names.</summary>
    public static string OneOf<TEnum>(string column)
        where TEnum : struct, Enum =>
        $"{column} IN ({string.Join(", ", Enum.GetNames<TEnum>().Select(n => $"'{n}'"))})";
}
