namespace Hpo.Scheduler.Workloads;

/// <summary>
/// Creates workloads by type name from their JSON settings (<see cref="WorkloadSettings"/>).
/// Hpo.Workloads' <c>BuiltInWorkloads.CreateRegistry()</c> (and <c>services.AddHpoWorkloads()</c>) knows every
/// built-in workload; a new workload is one <see cref="Register"/> call.
/// </summary>
public sealed class WorkloadRegistry
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>The registered type names, sorted.</summary>
    public IReadOnlyList<string> Types => [.. _entries.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Adds a workload type.</summary>
    /// <param name="type">The <c>type</c> value that selects it, e.g. <c>lcbench</c>.</param>
    /// <param name="factory">Builds the workload from its settings; throws <see cref="ArgumentException"/> naming a bad setting.</param>
    /// <param name="defaultSearchSpaceJson">Its default hyperparameter space in the search-space JSON form, when it has one.</param>
    /// <returns>This registry, for chaining.</returns>
    /// <exception cref="ArgumentException"><paramref name="type"/> is empty or already registered.</exception>
    public WorkloadRegistry Register(string type, Func<WorkloadSettings, IWorkload> factory, string? defaultSearchSpaceJson = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentNullException.ThrowIfNull(factory);
        if (!_entries.TryAdd(type, new Entry(factory, defaultSearchSpaceJson)))
        {
            throw new ArgumentException($"Workload type '{type}' is already registered.", nameof(type));
        }

        return this;
    }

    /// <summary>Whether <paramref name="type"/> is registered.</summary>
    public bool Contains(string type) => _entries.ContainsKey(type);

    /// <summary>Creates the workload that <paramref name="settingsJson"/> describes, e.g. <c>{"type":"digits-mlp"}</c>.</summary>
    /// <exception cref="ArgumentException">The JSON is malformed, the type is unknown (the message lists the known ones) or a setting is bad.</exception>
    public IWorkload Create(string settingsJson) => Create(WorkloadSettings.Parse(settingsJson));

    /// <summary>Creates the workload that <paramref name="settings"/> describe.</summary>
    /// <exception cref="ArgumentException">The type is unknown (the message lists the known ones) or a setting is bad.</exception>
    public IWorkload Create(WorkloadSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return GetEntry(settings.Type).Factory(settings);
    }

    /// <summary>The default search space of <paramref name="type"/> in the search-space JSON form, or null when it registered none.</summary>
    /// <exception cref="ArgumentException">The type is unknown.</exception>
    public string? GetDefaultSearchSpace(string type) => GetEntry(type).DefaultSearchSpaceJson;

    private Entry GetEntry(string type)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        return _entries.TryGetValue(type, out var entry)
            ? entry
            : throw new ArgumentException($"Unknown workload type '{type}'; known types: {string.Join(", ", Types)}.", nameof(type));
    }

    private sealed record Entry(Func<WorkloadSettings, IWorkload> Factory, string? DefaultSearchSpaceJson);
}
