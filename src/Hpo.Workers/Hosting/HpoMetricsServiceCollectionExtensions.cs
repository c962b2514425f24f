using Hpo.Scheduler.Experiments;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Hpo.Workers.Hosting;

/// <summary>Exports the fleet's counters (<see cref="FleetMetrics"/>) with OpenTelemetry.</summary>
public static class HpoMetricsServiceCollectionExtensions
{
    /// <summary>
    /// Exports <see cref="FleetMetrics.MeterName"/> over OTLP to <paramref name="endpoint"/> (a collector): gRPC, unless
    /// the endpoint's path ends in <c>/v1/metrics</c>, which is OTLP over HTTP (protobuf). The service is named
    /// <paramref name="serviceName"/> with <paramref name="instance"/> as its instance id (the worker's name).
    /// </summary>
    /// <exception cref="ArgumentException">The endpoint is not an absolute http(s) URL.</exception>
    public static IServiceCollection AddHpoOtlpMetrics(this IServiceCollection services, Uri endpoint, string serviceName, string instance)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"--otlp-endpoint: '{endpoint}' is not an http(s) URL such as http://collector:4317.", nameof(endpoint));
        }

        bool http = endpoint.AbsolutePath.EndsWith("/v1/metrics", StringComparison.Ordinal);
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName, serviceInstanceId: instance))
            .WithMetrics(m => m
                .AddMeter(FleetMetrics.MeterName)
                .AddOtlpExporter(o =>
                {
                    o.Endpoint = endpoint;
                    o.Protocol = http ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
                }));
        return services;
    }
}
