namespace Hpo.Testing;

/// <summary>
/// A fact that needs the real PostgreSQL from scripts/test.sh. Skipped on a developer machine without
/// HPO_TEST_POSTGRES; under CI=true it always runs, so a missing database fails instead of hiding.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class PostgresFactAttribute : FactAttribute
{
    /// <summary>Creates the attribute.</summary>
    public PostgresFactAttribute()
    {
        Skip = PostgresTestDatabase.SkipReason;
    }
}
