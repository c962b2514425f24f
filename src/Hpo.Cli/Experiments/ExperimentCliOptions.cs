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

    public static Option<bool> NoSaveModel() => new("--no-save-model")
    {
        Description = $"Do not save the best trial's model. By default it is kept in {ExperimentExecution.ModelFolder}/NAME beside a SQLite database (in the current folder for PostgreSQL): an ML.NET model zip (MLContext.Model.Save) or a TorchSharp state dict (.dat), written whenever a trial sets a new best value; the path is printed at the end.",
    };

    public static Option<bool> Json(string what) => new("--json")
    {
        Description = $"Print {what} as JSON on stdout (progress, if any, goes to stderr).",
    };
}
