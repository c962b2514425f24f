using Hpo.Testing;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Hpo.Storage.Tests.Infrastructure;

/// <summary>Discovers <see cref="StoreFactAttribute"/> tests, skipping PostgreSQL classes when no server is configured.</summary>
public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    /// <inheritdoc />
    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        ArgumentNullException.ThrowIfNull(discoveryOptions);
        ArgumentNullException.ThrowIfNull(testMethod);
        if (SkipReason(testMethod) is { } reason)
        {
            return [new XunitSkippedDataRowTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason)];
        }

        return base.Discover(discoveryOptions, testMethod, factAttribute);
    }

    internal static string? SkipReason(ITestMethod testMethod)
    {
        var type = testMethod.TestClass.Class.ToRuntimeType();
        return type is not null && Attribute.IsDefined(type, typeof(RequiresPostgresAttribute), inherit: true) ? PostgresTestDatabase.SkipReason : null;
    }
}
