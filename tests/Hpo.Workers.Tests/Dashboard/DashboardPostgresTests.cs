using System.Net;
using System.Text.Json;
using Hangfire;
using Hangfire.PostgreSql;
using Hpo.Scheduler.Persistence;
using Hpo.Storage.Configuration;
using Hpo.Storage.Schema;
using Hpo.Testing;
using Hpo.Workers.Dashboard;
using Hpo.Workers.Dashboard.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Hpo.Workers.Tests.Dashboard;

/// <summary>The dashboard as deployed for a fleet: Hpo's store and Hangfire's job storage on the same PostgreSQL.</summary>
public sealed class DashboardPostgresTests
{
    private const string ApiKey = "postgres-test-key-0123456789";

    [PostgresFact]
    public async Task Dashboard_OnPostgres_ServesApiAndHangfireOnlyWithTheKey()
    {
        await using PostgresTestDatabase database = await PostgresTestDatabase.CreateAsync();
        FakeTimeProvider time = DashboardSeed.NewClock();
        var builder = DashboardApplication.CreateBuilder(["http://127.0.0.1:0"], o => o.ApiKey = ApiKey, services =>
        {
            services.AddSingleton<TimeProvider>(time);
            services.AddHpoStorage(o => o.Connection = database.ConnectionString);
            services.AddHangfire(configuration => configuration
                .UseLogProvider(new SilentHangfireLogProvider())
                .UsePostgreSqlStorage(o => o.UseNpgsqlConnection(database.ConnectionString)));
        });
        builder.WebHost.UseTestServer();
        await using WebApplication app = DashboardApplication.Build(builder);
        await app.Services.GetRequiredService<HpoDatabase>().MigrateAsync();
        DashboardSeed seed = await DashboardSeed.CreateAsync(app.Services.GetRequiredService<IExperimentStore>(), time);
        await app.StartAsync();
        using HttpClient anonymous = app.GetTestClient();
        using HttpClient keyed = app.GetTestClient();
        keyed.DefaultRequestHeaders.Add(HpoDashboardOptions.ApiKeyHeaderName, ApiKey);

        using HttpResponseMessage hangfireWithout = await anonymous.GetAsync("/hangfire");
        using HttpResponseMessage hangfireWith = await keyed.GetAsync("/hangfire");
        using HttpResponseMessage summary = await keyed.GetAsync($"/api/experiments/{seed.Experiment.Id}/summary");

        Assert.Equal(HttpStatusCode.Unauthorized, hangfireWithout.StatusCode);
        Assert.Equal(HttpStatusCode.OK, hangfireWith.StatusCode);
        Assert.Contains("Hpo jobs", await hangfireWith.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, summary.StatusCode);
        using JsonDocument json = JsonDocument.Parse(await summary.Content.ReadAsStringAsync());
        Assert.Equal(2, json.RootElement.GetProperty("trials").GetProperty("stopped").GetInt32());
        await app.StopAsync();
    }
}
