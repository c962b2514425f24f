namespace Hpo.Workers.Dashboard.Api;

/// <summary>How many trials an experiment has in each status.</summary>
internal sealed record TrialCountsResponse(int Total, int Pending, int Running, int Completed, int Stopped, int Failed, int Paused);
