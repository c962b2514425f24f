namespace Hpo.Workers.Dashboard.Api;

/// <summary>One observed epoch of a learning curve.</summary>
internal sealed record CurvePointResponse(int Epoch, double Value);
