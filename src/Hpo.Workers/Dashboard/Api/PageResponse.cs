namespace Hpo.Workers.Dashboard.Api;

/// <summary>One page of a listing, with the totals a pager needs.</summary>
internal sealed record PageResponse<T>(IReadOnlyList<T> Items, int Page, int PageSize, long TotalCount, int TotalPages)
{
    public static PageResponse<T> Create(IReadOnlyList<T> items, int page, int pageSize, long totalCount) =>
        new(items, page, pageSize, totalCount, (int)Math.Max(1, (totalCount + pageSize - 1) / pageSize));
}
