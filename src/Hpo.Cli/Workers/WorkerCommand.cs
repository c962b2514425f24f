using Hpo.LcPfn.Runtime;
using Hpo.LcPfn.DependencyInjection;
using Hpo.Workloads.DependencyInjection;
using System.CommandLine;
using System.Data.Common;
using Hangfire;
using Hangfire.AspNetCore;
using Hpo.LcPfn.Inference;
using Hpo.Scheduler.Prediction;
using Hpo.LcPfn.Models;
using Hpo.Scheduler.Persistence;
using Hpo.Storage.Configuration;
using Hpo.Workers.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hpo.Cli.Workers;

/// <summary><c>hpo worker</c>: runs trials from the fleet's queue until Ctrl+C or SIGTERM.</summary>
public static class WorkerCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var defaults = new HpoWorkerOptions();
        var db = new Option<string>("--db") { Description = "The fleet's PostgreSQL database (postgres://user:pass@host:port/db or Host=...;Database=...).", Required = true };
        var concurrency = new Option<int>("--concurrency", "-c") { Description = "Trials run at once.", DefaultValueFactory = _ => defaults.Concurrency };
        var name = new Option<string?>("--name") { Description = "This worker's name (default {machine}:{pid}); must be unique among live workers." };
        var queue = new Option<string>("--queue") { Description = "The Hangfire queue to serve.", DefaultValueFactory = _ => defaults.Queue };
        var lease = new Option<double>("--lease-seconds") { Description = "Trial lease: a dead worker's trial is taken over after this long.", DefaultValueFactory = _ => defaults.LeaseDuration.TotalSeconds };
        var heartbeat = new Option<double>("--heartbeat-seconds") { Description = "Lease and worker heartbeat interval (at most a third of the lease).", DefaultValueFactory = _ => defaults.HeartbeatInterval.TotalSeconds };
        var invisibility = new Option<double>("--invisibility-seconds") { Description = "Hangfire sliding invisibility timeout: a dead worker's jobs return to the queue after this long.", DefaultValueFactory = _ => defaults.InvisibilityTimeout.TotalSeconds };
        var poll = new Option<double>("--poll-seconds") { Description = "Queue and retry polling interval.", DefaultValueFactory = _ => defaults.PollInterval.TotalSeconds };
        var retries = new Option<int>("--retry-attempts") { Description = "Retries after a trial's own failure before it is Failed.", DefaultValueFactory = _ => defaults.RetryAttempts };
        var retryDelay = new Option<double>("--retry-delay-seconds") { Description = "Delay before a failed trial is retried.", DefaultValueFactory = _ => defaults.RetryDelay.TotalSeconds };
        var sweep = new Option<double>("--sweep-seconds") { Description = "Interval of the fleet sweep for trials whose job was lost.", DefaultValueFactory = _ => defaults.SweepInterval.TotalSeconds };
        var orphaned = new Option<double>("--orphaned-after-seconds") { Description = "A pending trial this old is assumed to have lost its job (e.g. a database restart while it was created) and is enqueued again by the sweep; a duplicate job is harmless (the trial's lease admits one runner).", DefaultValueFactory = _ => defaults.OrphanedPendingAfter.TotalSeconds };
        var epochDelay = new Option<double>("--epoch-delay-ms") { Description = "Simulated training time added to every epoch (demos, chaos tests with the instant LCBench surrogate).", DefaultValueFactory = _ => 0 };
        var migrate = new Option<bool>("--migrate") { Description = "Create or upgrade the Hpo and Hangfire schemas on start." };
        var model = new Option<string?>("--model") { Description = "LC-PFN model for experiments with the lcpfn policy (default: $HPO_LCPFN_MODEL, else the installed default model, when present). Its SHA-256 is recorded with every decision; an experiment is decided by one model only, and a worker with another model refuses its trials." };
        var torchThreads = new Option<int>("--torch-threads") { Description = "libtorch CPU threads for the LC-PFN's forward passes (and TorchSharp workloads that do not set their own). Default 1: a worker's decisions are small batches, and a second libtorch thread competes with the worker and PostgreSQL for the cores (measured on 2 cores: decision p50 25 → 15 ms, see BENCHMARKS.md).", DefaultValueFactory = _ => 1 };
        var otlp = new Option<string?>("--otlp-endpoint") { Description = "Export the fleet's counters (epochs reported, decisions by action, epochs saved, decision latency, queue wait; meter Hpo.Fleet) over OpenTelemetry OTLP to this collector: gRPC (e.g. http://collector:4317), or HTTP when the path ends in /v1/metrics. Off by default." };
        var command = new Command("worker", "Run trials from a fleet's queue (PostgreSQL + Hangfire). Any number of workers on any number of machines share the work; Ctrl+C or SIGTERM stops gracefully and leaves running trials resumable.")
        {
            db, concurrency, name, queue, lease, heartbeat, invisibility, poll, retries, retryDelay, sweep, orphaned, epochDelay, migrate, model, torchThreads, otlp,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            try
            {
                var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
                builder.Logging.AddSimpleConsole(o =>
                {
                    o.SingleLine = true;
                    o.TimestampFormat = "HH:mm:ss.fff ";
                    o.IncludeScopes = false;
                });
                builder.Logging.SetMinimumLevel(LogLevel.Information);
                builder.Logging.AddFilter("Hangfire", LogLevel.Warning);
                builder.Services.AddHpoStorage(o =>
                {
                    o.Connection = parse.GetValue(db)!;
                    o.MigrateOnStart = parse.GetValue(migrate);
                });
                builder.Services.AddHpoWorkloads();
                builder.Services.AddHpoWorkers(o =>
                {
                    o.Concurrency = parse.GetValue(concurrency);
                    o.WorkerName = parse.GetValue(name) ?? o.WorkerName;
                    o.Queue = parse.GetValue(queue)!;
                    o.LeaseDuration = TimeSpan.FromSeconds(parse.GetValue(lease));
                    o.HeartbeatInterval = TimeSpan.FromSeconds(parse.GetValue(heartbeat));
                    o.InvisibilityTimeout = TimeSpan.FromSeconds(parse.GetValue(invisibility));
                    o.PollInterval = TimeSpan.FromSeconds(parse.GetValue(poll));
                    o.RetryAttempts = parse.GetValue(retries);
                    o.RetryDelay = TimeSpan.FromSeconds(parse.GetValue(retryDelay));
                    o.SweepInterval = TimeSpan.FromSeconds(parse.GetValue(sweep));
                    o.OrphanedPendingAfter = TimeSpan.FromSeconds(parse.GetValue(orphaned));
                    o.PrepareHangfireSchema = parse.GetValue(migrate);
                    o.EpochDelay = TimeSpan.FromMilliseconds(parse.GetValue(epochDelay));
                });
                if (parse.GetValue(model) is { } given && !File.Exists(given))
                {
                    await error.WriteLineAsync($"hpo worker: --model: there is no file '{given}'.");
                    return 2;
                }

                int threads = parse.GetValue(torchThreads);
                if (threads < 1)
                {
                    await error.WriteLineAsync($"hpo worker: --torch-threads: {threads} is not a thread count; give 1 or more.");
                    return 2;
                }

                if ((parse.GetValue(model) ?? DefaultModelLocator.Find()) is { } modelPath)
                {
                    builder.Services.AddHpoLcPfn(modelPath);

                    // libtorch's thread count is per process; set once here, before any forward pass.
                    TorchRuntime.SetThreads(threads);
                }

                if (parse.GetValue(otlp) is { } endpoint)
                {
                    if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
                    {
                        await error.WriteLineAsync($"hpo worker: --otlp-endpoint: '{endpoint}' is not a URL such as http://collector:4317.");
                        return 2;
                    }

                    builder.Services.AddHpoOtlpMetrics(uri, "hpo-worker", parse.GetValue(name) ?? new HpoWorkerOptions().WorkerName);
                }

                builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(45));
                using var host = builder.Build();

                // Hangfire logs through its static provider; route it to this host's loggers.
                GlobalConfiguration.Configuration.UseLogProvider(new AspNetCoreLogProvider(host.Services.GetRequiredService<ILoggerFactory>()));
                // Reading the options validates them, so a bad flag fails here with the setting named.
                _ = host.Services.GetRequiredService<IOptions<HpoWorkerOptions>>().Value;
                await host.RunAsync(cancellationToken);
                return 0;
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C or SIGTERM before the worker finished starting: nothing was claimed, so this is a clean stop.
                return 0;
            }
            catch (Exception ex) when (ex is ArgumentException or HpoValidationException or OptionsValidationException)
            {
                await error.WriteLineAsync($"hpo worker: {ex.Message}");
                return 2;
            }
            catch (Exception ex) when (ex is DbException or InvalidOperationException or IOException)
            {
                await error.WriteLineAsync($"hpo worker: {ex.Message}");
                return 1;
            }
        });
        return command;
    }
}
