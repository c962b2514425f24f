using Hangfire.Dashboard;

namespace Hpo.Workers.Dashboard.Security;

/// <summary>
/// Hangfire's own authorization hook, bound to the same policy as the rest of the dashboard, so the
/// Hangfire pages stay guarded even when mounted without <see cref="DashboardAccessMiddleware"/> in front.
/// </summary>
internal sealed class HangfireAccessFilter(DashboardAccessPolicy policy) : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return DashboardAccessPolicy.IsAllowed(policy.Evaluate(context.GetHttpContext()));
    }
}
