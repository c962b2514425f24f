using Hpo.Storage.Connections;

namespace Hpo.Storage.Schema;

/// <summary>What a database holds of Hpo's schema.</summary>
/// <param name="Provider">The engine.</param>
/// <param name="ServerVersion">The server's version, e.g. <c>PostgreSQL 15.8</c> or <c>SQLite 3.46.1</c>.</param>
/// <param name="AppliedMigrations">Migrations applied, oldest first.</param>
/// <param name="PendingMigrations">Migrations this build has that the database lacks, oldest first.</param>
public sealed record SchemaStatus(
    DatabaseProvider Provider,
    string ServerVersion,
    IReadOnlyList<string> AppliedMigrations,
    IReadOnlyList<string> PendingMigrations)
{
    /// <summary>The last applied migration, or null when none is.</summary>
    public string? CurrentMigration => AppliedMigrations.Count == 0 ? null : AppliedMigrations[^1];

    /// <summary>Whether the schema is exactly what this build expects.</summary>
    public bool IsUpToDate => PendingMigrations.Count == 0;

    /// <summary>One line for people: <c>InitialSchema (up to date)</c>, or what is missing.</summary>
    public string Describe() => CurrentMigration is null
        ? "not migrated (run 'hpo db migrate')"
        : IsUpToDate
            ? $"{CurrentMigration} (up to date)"
            : $"{CurrentMigration}, {PendingMigrations.Count} migration(s) pending: {string.Join(", ", PendingMigrations)} (run 'hpo db migrate')";
}
