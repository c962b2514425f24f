namespace Hpo.Testing;

/// <summary>The theory form of <see cref="PostgresFactAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class PostgresTheoryAttribute : TheoryAttribute
{
    /// <summary>Creates the attribute.</summary>
    public PostgresTheoryAttribute()
    {
        Skip = PostgresTestDatabase.SkipReason;
    }
}
