namespace Hpo.Workers.Dashboard.Api;

/// <summary>Whether the dashboard can forecast, and with which model (<c>GET /api/model</c>).</summary>
/// <param name="Available">Whether a model is loaded.</param>
/// <param name="Model">The model file's SHA-256 (lowercase hex); null without a model.</param>
/// <param name="FileName">The model file's name (no folder); null without a model.</param>
/// <param name="MaxEpochs">The model's horizon (longer runs are compressed onto it); null without a model.</param>
/// <param name="Message">Without a model: how to start the dashboard with one.</param>
internal sealed record ForecastModelResponse(bool Available, string? Model, string? FileName, int? MaxEpochs, string? Message);
