namespace Hpo.Workers.Dashboard.Api;

/// <summary>The body of every error answer of the API.</summary>
internal sealed record ErrorResponse(string Error, string Message);
