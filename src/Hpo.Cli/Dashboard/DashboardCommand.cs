using Hpo.LcPfn.DependencyInjection;
using System.CommandLine;
using System.Data.Common;
using Hpo.Cli.LcPfn;
using Hpo.LcPfn.Models;
using Hpo.Storage.Schema;
using Hpo.Workers.Dashboard;
using Hpo.Workers.Dashboard.Hosting;
using Hpo.Workers.Dashboard.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Hpo.Cli.Dashboard;

/// <summary><c>hpo dashboard</c>: serves the web dashboard (experiments, curves, decisions, Hangfire jobs).</summary>
public static class DashboardCommand
{
    /// <summary>Exit code for arguments that cannot be used (bad credential, unsafe address).</summary>
    public const int UsageError = 2;

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var db = new Option<string>("--db") { Description = "The database: a PostgreSQL URI or connection string, or a SQLite file path.", Required = true };
        var urls = new Option<string>("--urls")
        {
            Description = "Where to listen, ';'-separated. Anything but loopback needs --api-key or --basic-auth.",
            DefaultValueFactory = _ => DashboardCommandLine.DefaultUrls,
        };
        var apiKey = new Option<string?>("--api-key")
        {
            Description = $"API key remote clients send in the {HpoDashboardOptions.ApiKeyHeaderName} header or ?{HpoDashboardOptions.ApiKeyQueryName}= (at least {HpoDashboardOptions.MinimumApiKeyLength} characters). Prefer ${DashboardCommandLine.ApiKeyVariable}: arguments are visible to other users of the machine.",
        };
        var basicAuth = new Option<string?>("--basic-auth")
        {
            Description = $"HTTP basic-auth credentials for remote clients, as user:password. Prefer ${DashboardCommandLine.BasicAuthVariable}.",
        };
        var pollInterval = new Option<int>("--poll-interval")
        {
            Description = "How often the pages refresh, in seconds (1-300).",
            DefaultValueFactory = _ => 5,
        };
        var model = ModelOption.Create();
        model.Description = $"LC-PFN model file (.lcpfn) the forecasts (/api/trials/{{id}}/forecast, the fan charts) are made with; use the model the experiments ran with. Default: ${DefaultModelLocator.EnvironmentVariable}, then models/{DefaultModelLocator.FileName} beside the app or in the current folder or a parent; with none found the pages show curves without forecasts.";
        var hangfireActions = new Option<bool>("--hangfire-actions") { Description = "Let the Hangfire dashboard retry, delete and trigger jobs (it is read-only by default)." };
        var prometheus = new Option<bool>("--prometheus")
        {
            Description = "Serve Prometheus metrics at /metrics (behind the same access rule as the pages): the store's totals over all experiments, read every 15 s (hpo_store_trials by status, hpo_store_epochs_reported_total, hpo_store_decisions_total by action, hpo_store_epochs_saved_total), and the dashboard's own HTTP metrics (http_server_request_duration_seconds).",
        };
        var command = new Command("dashboard", "Serve the web dashboard: experiments, learning curves with LC-PFN forecasts, decisions, a JSON API under /api and the Hangfire dashboard at /hangfire. Serves only this machine unless a credential is set.")
        {
            db,
            urls,
            apiKey,
            basicAuth,
            pollInterval,
            model,
            hangfireActions,
            prometheus,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            HpoDashboardOptions settings;
            IReadOnlyList<string> listen = DashboardCommandLine.SplitUrls(parse.GetValue(urls) ?? DashboardCommandLine.DefaultUrls);
            try
            {
                settings = DashboardCommandLine.CreateOptions(
                    parse.GetValue(apiKey) ?? NonEmpty(Environment.GetEnvironmentVariable(DashboardCommandLine.ApiKeyVariable)),
                    parse.GetValue(basicAuth) ?? NonEmpty(Environment.GetEnvironmentVariable(DashboardCommandLine.BasicAuthVariable)),
                    parse.GetValue(pollInterval),
                    parse.GetValue(hangfireActions));
                var failures = HpoDashboardOptionsValidator.Check(settings);
                if (failures.Count > 0)
                {
                    throw new OptionsValidationException(Options.DefaultName, typeof(HpoDashboardOptions), failures);
                }

                DashboardApplication.EnsureSafeBinding(listen, settings);
                settings.ModelPath = ResolveModel(parse.GetValue(model));
            }
            catch (FileNotFoundException ex)
            {
                await Console.Error.WriteLineAsync($"hpo dashboard: --model: {ex.Message}");
                return UsageError;
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException or OptionsValidationException)
            {
                await Console.Error.WriteLineAsync($"hpo dashboard: {ex.Message}");
                return UsageError;
            }

            string database = parse.GetValue(db)!;
            WebApplication app;
            try
            {
                if (DashboardStorage.Problem(database) is { } problem)
                {
                    await Console.Error.WriteLineAsync($"hpo dashboard: --db: {problem}");
                    return UsageError;
                }

                app = DashboardApplication.Create(
                    listen,
                    options => DashboardCommandLine.CopyTo(settings, options),
                    services =>
                    {
                        DashboardStorage.Register(services, database);
                        services.AddHpoLcPfn();
                        if (parse.GetValue(prometheus))
                        {
                            services.AddHpoDashboardPrometheus();
                        }
                    });
            }
            catch (ArgumentException ex)
            {
                await Console.Error.WriteLineAsync($"hpo dashboard: --db: {ex.Message}");
                return UsageError;
            }
            catch (LcPfnModelFormatException ex)
            {
                await Console.Error.WriteLineAsync($"hpo dashboard: --model: {ex.Message}");
                return UsageError;
            }

            await using (app)
            {
                try
                {
                    // A database this build cannot read is reported now, not as a 500 on the first page.
                    await app.Services.GetRequiredService<HpoDatabase>().EnsureReadyAsync(cancellationToken);
                }
                catch (Exception ex) when (ex is InvalidOperationException or DbException)
                {
                    await Console.Error.WriteLineAsync($"hpo dashboard: {ex.Message}");
                    return 1;
                }

                await app.StartAsync(cancellationToken);
                string access = settings.HasCredential ? "remote clients need the configured credential" : "this machine only";
                await Console.Out.WriteLineAsync($"Hpo dashboard listening on {string.Join(", ", app.Urls)} ({access}). Ctrl+C stops it.");
                if (parse.GetValue(prometheus))
                {
                    await Console.Out.WriteLineAsync($"Prometheus metrics at {string.Join(", ", app.Urls.Select(u => u.TrimEnd('/') + new DashboardMetricsOptions().Path))}.");
                }

                await Console.Out.WriteLineAsync(settings.ModelPath is { } modelPath
                    ? $"Forecasts by the LC-PFN model {Path.GetFullPath(modelPath)}."
                    : $"No LC-PFN model found (--model, ${DefaultModelLocator.EnvironmentVariable}, models/{DefaultModelLocator.FileName}): the pages show curves without forecasts.");
                await app.WaitForShutdownAsync(cancellationToken);
            }

            return 0;
        });
        return command;
    }

    /// <summary>
    /// The model to forecast with: <c>--model</c> or <c>$HPO_LCPFN_MODEL</c> must exist (a typo is an error, not
    /// silently no forecasts); without either, the default model when one is found, else none.
    /// </summary>
    private static string? ResolveModel(string? given)
    {
        if (!string.IsNullOrWhiteSpace(given) || !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(DefaultModelLocator.EnvironmentVariable)))
        {
            return ModelOption.Resolve(given);
        }

        return DefaultModelLocator.Find();
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
