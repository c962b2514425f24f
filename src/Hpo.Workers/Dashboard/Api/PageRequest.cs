using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Hpo.Workers.Dashboard.Api;

/// <summary>The <c>page</c> and <c>pageSize</c> query parameters of a listing, checked.</summary>
internal readonly record struct PageRequest(int Page, int PageSize)
{
    /// <summary>The highest page number accepted, so that page × size stays far from overflowing a store's offset.</summary>
    public const int MaxPage = 1_000_000;

    /// <summary>Reads the parameters; <paramref name="error"/> names the bad one.</summary>
    public static bool TryRead(IQueryCollection query, int defaultPageSize, out PageRequest request, out string? error)
    {
        request = new PageRequest(1, defaultPageSize);
        error = null;
        int page = 1;
        int size = defaultPageSize;
        if (query.TryGetValue("page", out var pageText) && (!int.TryParse(pageText, NumberStyles.None, CultureInfo.InvariantCulture, out page) || page is < 1 or > MaxPage))
        {
            error = $"page must be a whole number from 1 to {MaxPage} (got '{pageText}').";
            return false;
        }

        if (query.TryGetValue("pageSize", out var sizeText) &&
            (!int.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size < 1 || size > HpoDashboardOptions.MaxPageSize))
        {
            error = $"pageSize must be a whole number from 1 to {HpoDashboardOptions.MaxPageSize} (got '{sizeText}').";
            return false;
        }

        request = new PageRequest(page, size);
        return true;
    }
}
