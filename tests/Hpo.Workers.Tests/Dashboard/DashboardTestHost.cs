using Hpo.LcPfn.DependencyInjection;
using System.Net;
using Hangfire;
using Hangfire.InMemory;
using Hpo.Scheduler.Persistence;
using Hpo.Workers.Dashboard;
using Hpo.Workers.Dashboard.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Hpo.Workers.Tests.Dashboard;

/// <summary>
/// The dashboard app exactly as <c>hpo dashboard</c> builds it (<see cref="DashboardApplication"/>), over a
/// seeded in-memory store and Hangfire's in-memory storage. In-process (TestServer) hosts can pose as a
/// client from any address; Kestrel hosts listen on a free loopback port for a real browser.
/// </summary>
internal sealed class DashboardTestHost : IAsyncDisposable
{
    /// <summary>A documentation address (TEST-NET-3): never routed, used only as the pretend client's address.</summary>
    public static readonly IPAddress RemoteAddress = IPAddress.Parse("203.0.113.7");

    private DashboardTestHost(WebApplication app, Uri baseAddress)
    {
        App = app;
        BaseAddress = baseAddress;
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    /// <summary>An in-process host whose every request appears to come from <paramref name="clientAddress"/>.</summary>
    /// <param name="services">Registers more services, as a host would (e.g. the Prometheus endpoint).</param>
    public static async Task<DashboardTestHost> StartInProcessAsync(IExperimentStore store, IPAddress clientAddress, Action<HpoDashboardOptions>? configure = null, TimeProvider? time = null, Action<IServiceCollection>? services = null)
    {
        var builder = DashboardApplication.CreateBuilder(["http://127.0.0.1:0"], configure ?? (_ => { }), collection =>
        {
            AddStorage(collection, store);
            if (time is not null)
            {
                collection.AddSingleton(time);
            }

            services?.Invoke(collection);
        });
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<IStartupFilter>(new ClientAddressStartupFilter(clientAddress));
        WebApplication app = DashboardApplication.Build(builder);
        await app.StartAsync();
        return new DashboardTestHost(app, new Uri("http://localhost/"));
    }

    /// <summary>A Kestrel host on a free port of 127.0.0.1.</summary>
    public static async Task<DashboardTestHost> StartKestrelAsync(IExperimentStore store, Action<HpoDashboardOptions>? configure = null)
    {
        WebApplication app = DashboardApplication.Create(["http://127.0.0.1:0"], configure ?? (_ => { }), services => AddStorage(services, store));
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new DashboardTestHost(app, new Uri(address + "/"));
    }

    public HttpClient CreateClient()
    {
        HttpClient client = App.GetTestClient();
        client.BaseAddress = BaseAddress;
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }

    private static void AddStorage(IServiceCollection services, IExperimentStore store)
    {
        services.AddSingleton(store);
        services.AddHpoLcPfn();
        services.AddHangfire(configuration => configuration
            .UseLogProvider(new SilentHangfireLogProvider())
            .UseInMemoryStorage(new InMemoryStorageOptions()));
    }

    /// <summary>Runs first in the pipeline and sets the connection's remote address, as a real client's would be.</summary>
    private sealed class ClientAddressStartupFilter(IPAddress clientAddress) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = clientAddress;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
