using Xunit.Sdk;

namespace Hpo.Storage.Tests.Infrastructure;

/// <summary>
/// A fact of the provider contract suite: declared once on the base class, run by each provider's derived
/// class, and skipped like [PostgresFact] when that class is marked <see cref="RequiresPostgresAttribute"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
[XunitTestCaseDiscoverer("Hpo.Storage.Tests.Infrastructure.StoreFactDiscoverer", "Hpo.Storage.Tests")]
public sealed class StoreFactAttribute : FactAttribute;
