using System.CommandLine;
using System.Data.Common;
using Hpo.Storage.Schema;

namespace Hpo.Cli.Database;

/// <summary><c>hpo db</c>: the schema of the system of record (<c>migrate</c>, <c>status</c>).</summary>
public static class DatabaseCommand
{
    /// <summary>Creates the command group.</summary>
    public static Command Create()
    {
        return CommandGroup.Create("db", "Manage the database schema (PostgreSQL or SQLite).", Migrate(), Status());
    }

    internal static Option<string> DbOption() => new("--db")
    {
        Description = "The database: a PostgreSQL URI (postgres://user:pass@host:port/db) or connection string (Host=...;Database=...), or a SQLite file path.",
        Required = true,
    };

    private static Command Migrate()
    {
        var dbOption = DbOption();
        var command = new Command("migrate", "Apply every pending migration (creates a SQLite file if needed). Safe to run again.") { dbOption };
        command.SetAction(async (parse, cancellationToken) => await RunAsync(parse.GetValue(dbOption)!, async database =>
        {
            var applied = await database.MigrateAsync(cancellationToken);
            var status = await database.GetSchemaStatusAsync(cancellationToken);
            Console.Out.WriteLine(applied.Count == 0
                ? $"{database.Connection.Redacted}: already up to date ({status.CurrentMigration})."
                : $"{database.Connection.Redacted}: applied {string.Join(", ", applied)}; schema {status.Describe()}.");
            return 0;
        }));
        return command;
    }

    private static Command Status()
    {
        var dbOption = DbOption();
        var command = new Command("status", "Show the server version and the applied and pending migrations. Exits 1 when migrations are pending.") { dbOption };
        command.SetAction(async (parse, cancellationToken) => await RunAsync(parse.GetValue(dbOption)!, async database =>
        {
            var status = await database.GetSchemaStatusAsync(cancellationToken);
            Console.Out.WriteLine($"{status.ServerVersion}; schema: {status.Describe()}");
            return status.IsUpToDate ? 0 : 1;
        }));
        return command;
    }

    private static async Task<int> RunAsync(string connection, Func<HpoDatabase, Task<int>> action)
    {
        try
        {
            return await action(HpoDatabase.For(connection));
        }
        catch (Exception ex) when (ex is DbException or ArgumentException or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"hpo db: {ex.Message}");
            return 1;
        }
    }
}
