using System.CommandLine;
using Hpo.LcPfn.Models;
using Hpo.Storage.Configuration;

namespace Hpo.Cli.Experiments;

/// <summary>Options shared by the experiment commands.</summary>
internal static class ExperimentCliOptions
{
    public static Option<string> Db() => new("--db")
    {
        Description = $"The database: a SQLite file path (default ./{HpoStorageOptions.DefaultSqliteFile}, created and migrated by demo and run) or a PostgreSQL URI/connection string (migrate it first with 'hpo db migrate').",
        DefaultValueFactory = _ => HpoStorageOptions.DefaultSqliteFile,
    };

    public static Option<string?> Model() => new("--model", "-m")
    {
        Description = $"The LC-PFN model file (.lcpfn) for the lcpfn policy. Default: ${DefaultModelLocator.EnvironmentVariable}, then models/{DefaultModelLocator.FileName} beside the app or in the current folder or a parent. Not needed for other policies.",
    };

    public static Option<bool> Json(string what) => new("--json")
    {
        Description = $"Print {what} as JSON on stdout (progress, if any, goes to stderr).",
    };
}
