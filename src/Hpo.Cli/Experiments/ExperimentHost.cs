using Hpo.LcPfn.Inference;
using Hpo.Scheduler.Prediction;
using Hpo.Scheduler.DependencyInjection;
using Hpo.Scheduler.Experiments;
using Hpo.Scheduler.Persistence;
using Hpo.Storage.Configuration;
using Hpo.Storage.Connections;
using Hpo.Storage.Schema;
using Microsoft.Extensions.DependencyInjection;

namespace Hpo.Cli.Experiments;

/// <summary>The store (and, for runs, the runner with its LC-PFN) of one command invocation.</summary>
internal sealed class ExperimentHost : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly LcPfnPredictor? _predictor;

    private ExperimentHost(ServiceProvider provider, LcPfnPredictor? predictor, HpoConnection connection)
    {
        _provider = provider;
        _predictor = predictor;
        Connection = connection;
    }

    public HpoConnection Connection { get; }

    /// <summary>Where the results are: the SQLite file's full path, or the redacted PostgreSQL connection.</summary>
    public string Location => Connection.SqliteFile is { } file ? Path.GetFullPath(file) : Connection.Redacted;

    public IExperimentStore Store => _provider.GetRequiredService<IExperimentStore>();

    public ExperimentRunner Runner => _provider.GetRequiredService<ExperimentRunner>();

    /// <summary>
    /// Opens <paramref name="db"/>. With <paramref name="create"/> an embedded SQLite file is created and
    /// migrated as needed (PostgreSQL must be migrated with <c>hpo db migrate</c>); without it the database
    /// must exist and be up to date. Takes ownership of <paramref name="predictor"/>.
    /// </summary>
    public static async Task<ExperimentHost> OpenAsync(string db, bool create, LcPfnPredictor? predictor = null, CancellationToken cancellationToken = default)
    {
        HpoConnection connection;
        try
        {
            connection = HpoConnection.Parse(db);
        }
        catch
        {
            predictor?.Dispose();
            throw;
        }

        var services = new ServiceCollection();
        services.AddHpoStorage(o =>
        {
            o.Connection = db;
            o.MigrateOnStart = create && connection.Provider == DatabaseProvider.Sqlite;
        });
        if (predictor is not null)
        {
            services.AddSingleton<ICurvePredictor>(predictor);
        }

        services.AddHpoScheduler();
        var provider = services.BuildServiceProvider();
        var host = new ExperimentHost(provider, predictor, connection);
        try
        {
            if (!create && connection.SqliteFile is { } file && !File.Exists(file))
            {
                throw new InvalidOperationException($"There is no database at '{Path.GetFullPath(file)}'. Run 'hpo demo' or 'hpo run FILE' first, or pass --db.");
            }

            await provider.GetRequiredService<HpoDatabase>().EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
            return host;
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The experiment named <paramref name="name"/>, or an error listing how to find the names.</summary>
    public async Task<ExperimentRecord> RequireExperimentAsync(string name, CancellationToken cancellationToken = default) =>
        await Store.FindExperimentAsync(name, cancellationToken).ConfigureAwait(false)
            ?? throw new NotFoundException($"There is no experiment '{name}' in {Location}; 'hpo status --db {Location}' lists them.");

    /// <summary>Every trial of an experiment, by number.</summary>
    public async Task<IReadOnlyList<TrialRecord>> ListTrialsAsync(long experimentId, TrialStatus? status = null, CancellationToken cancellationToken = default)
    {
        var all = new List<TrialRecord>();
        for (int page = 1; ; page++)
        {
            var p = await Store.ListTrialsAsync(experimentId, page, 1000, status, cancellationToken).ConfigureAwait(false);
            all.AddRange(p.Items);
            if (p.Items.Count < p.PageSize || all.Count >= p.TotalCount)
            {
                return all;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync().ConfigureAwait(false);
        _predictor?.Dispose();
    }
}
