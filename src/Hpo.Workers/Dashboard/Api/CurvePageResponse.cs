namespace Hpo.Workers.Dashboard.Api;

/// <summary>
/// One page of learning curves. <see cref="Cursor"/> is the newest recorded time among the observations and decisions
/// read so far; pass it back as <c>since</c> to get only what is newer (see <see cref="DashboardQueries.CursorOverlap"/>).
/// </summary>
internal sealed record CurvePageResponse(IReadOnlyList<CurveResponse> Items, int Page, int PageSize, long TotalCount, int TotalPages, string? Cursor, string? Since);
