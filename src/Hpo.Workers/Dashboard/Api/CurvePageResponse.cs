namespace Hpo.Workers.Dashboard.Api;

/// <summary>
/// One page of learning curves. <see cref="Cursor"/>: pass it back as <c>since</c> to get only the epochs, pauses and
/// decisions the dashboard read after it; <see cref="Since"/> echoes the cursor this answer was read from (null for a
/// full read, which is also the answer to a cursor of another dashboard process).
/// </summary>
internal sealed record CurvePageResponse(IReadOnlyList<CurveResponse> Items, int Page, int PageSize, long TotalCount, int TotalPages, string? Cursor, string? Since);
