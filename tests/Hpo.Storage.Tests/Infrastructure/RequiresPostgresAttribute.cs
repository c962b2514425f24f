namespace Hpo.Storage.Tests.Infrastructure;

/// <summary>
/// Marks a test class whose [StoreFact]/[StoreTheory] tests need the PostgreSQL of scripts/test.sh: they skip
/// without it on a developer machine and fail without it under CI, like [PostgresFact].
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true, AllowMultiple = false)]
public sealed class RequiresPostgresAttribute : Attribute;
