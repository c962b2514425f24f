namespace Hpo.Workers.Dashboard.Api;

/// <summary>
/// One page of learning curves. <see cref="Cursor"/>: pass it back as <c>since</c> to get only the observations and
/// decisions recorded after it (see <see cref="DashboardQueries.CursorOverlap"/>); <see cref="Since"/> echoes the
/// cursor this answer was read from (null for a full read).
/// </summary>
internal sealed record CurvePageResponse(IReadOnlyList<CurveResponse> Items, int Page, int PageSize, long TotalCount, int TotalPages, string? Cursor, string? Since);
