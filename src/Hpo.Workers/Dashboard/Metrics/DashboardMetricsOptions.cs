namespace Hpo.Workers.Dashboard.Metrics;

/// <summary>The dashboard's Prometheus scrape endpoint (<see cref="HpoDashboardMetricsServiceCollectionExtensions.AddHpoDashboardPrometheus"/>).</summary>
public sealed class DashboardMetricsOptions
{
    /// <summary>Where the scrape endpoint is mapped. Default <c>/metrics</c>, Prometheus' default path.</summary>
    public string Path { get; set; } = "/metrics";

    /// <summary>
    /// How often the store's totals are read again (1 s to 1 h). Default 15 s, Prometheus' default scrape interval:
    /// a scrape shows totals at most this old, and the database answers one counting query per interval however many
    /// scrapers there are.
    /// </summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(15);
}
