using Microsoft.Extensions.Options;

namespace Hpo.Workers.Hosting;

/// <summary>Who this process is to the store and to Hangfire.</summary>
public sealed class WorkerIdentity
{
    /// <summary>Reads the name from the options.</summary>
    public WorkerIdentity(IOptions<HpoWorkerOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Id = options.Value.WorkerName;
    }

    /// <summary>The worker id (lease holder, store worker record, Hangfire server name).</summary>
    public string Id { get; }

    /// <summary>The machine the worker runs on.</summary>
    public string Host { get; } = Environment.MachineName;
}
