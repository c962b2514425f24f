namespace Hpo.Workers.Tests.Dashboard;

/// <summary>A fact that drives a real headless Chromium; see <see cref="ChromiumEnvironment"/> for when it skips.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ChromiumFactAttribute : FactAttribute
{
    /// <summary>Creates the attribute.</summary>
    public ChromiumFactAttribute()
    {
        Skip = ChromiumEnvironment.SkipReason;
    }
}
