using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hpo.Scheduler.Persistence;
using Hpo.Testing;
using Hpo.Workers.Hosting;
using Hpo.Workers.Tests.Chaos;
using Hpo.Workers.Tests.Fleet;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace Hpo.Workers.Tests.Dashboard;

/// <summary>
/// End to end on one PostgreSQL database: <c>hpo submit</c>, a fleet of two workers, then the real
/// <c>hpo dashboard --db</c> process, which must show the fleet's Hangfire jobs and servers next to Hpo's
/// experiment and trials.
/// </summary>
public sealed partial class DashboardFleetTests(ITestOutputHelper output)
{
    private const int Trials = 6;

    [PostgresFact]
    public async Task HpoDashboard_OnAFleetDatabase_ShowsTheFleetsJobsServersExperimentAndTrials()
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var ct = bound.Token;
        await using var db = await PostgresTestDatabase.CreateAsync(ct);
        string file = ExperimentFiles.WriteLcBench("dashboard-fleet", Trials, concurrency: 3, """{"type":"none"}""");
        try
        {
            var (code, submitted) = await WorkerProcess.RunAsync(TimeSpan.FromSeconds(90), "submit", file, "--db", db.ConnectionString, "--migrate");
            Assert.True(code == 0, submitted);

            await using var a = FleetHarness.Worker(db.ConnectionString, "dash-fleet-a");
            await using var b = FleetHarness.Worker(db.ConnectionString, "dash-fleet-b");
            var store = a.GetRequiredService<IExperimentStore>();
            var experiment = await store.FindExperimentAsync("dashboard-fleet", ct);
            Assert.NotNull(experiment);
            HpoWorkerService[] servers = [a.GetRequiredService<HpoWorkerService>(), b.GetRequiredService<HpoWorkerService>()];
            foreach (var server in servers)
            {
                await server.StartAsync(ct);
            }

            try
            {
                await FleetHarness.WaitCompletedAsync(store, experiment.Id, TimeSpan.FromSeconds(120));
                long[] trialIds = [.. (await store.ListTrialsAsync(experiment.Id, 1, 100, cancellationToken: ct)).Items.Select(t => t.Id).Order()];
                Assert.Equal(Trials, trialIds.Length);

                // The last trials' advances may still be queued when the experiment completes; count once they have run.
                var settle = DateTime.UtcNow + TimeSpan.FromSeconds(30);
                while (await ScalarAsync(db.ConnectionString, "SELECT COUNT(*) FROM hangfire.job WHERE statename <> 'Succeeded'", ct) > 0)
                {
                    Assert.True(DateTime.UtcNow < settle, "The fleet's jobs did not all succeed.");
                    await Task.Delay(100, ct);
                }

                long succeeded = await ScalarAsync(db.ConnectionString, "SELECT COUNT(*) FROM hangfire.job", ct);

                // The workers keep running, so the dashboard also sees their Hangfire servers.
                await using var dashboard = WorkerProcess.Start("dashboard", "dashboard", "--db", db.ConnectionString, "--urls", "http://127.0.0.1:0");
                using var http = new HttpClient { BaseAddress = await WaitForAddressAsync(dashboard, ct), Timeout = TimeSpan.FromSeconds(30) };
                output.WriteLine($"hpo dashboard at {http.BaseAddress}; {succeeded} succeeded Hangfire jobs in the database");

                string home = await GetAsync(http, "/hangfire", ct);
                Assert.Contains("Hpo jobs", home, StringComparison.Ordinal);

                // The live counters the dashboard's pages poll count the fleet's jobs.
                using var stats = await http.PostAsync(
                    "/hangfire/stats",
                    new FormUrlEncodedContent([new("metrics[]", "succeeded:count"), new("metrics[]", "failed:count"), new("metrics[]", "servers:count")]),
                    ct);
                Assert.True(stats.IsSuccessStatusCode, $"POST /hangfire/stats: {stats.StatusCode}");
                using (var json = JsonDocument.Parse(await stats.Content.ReadAsStringAsync(ct)))
                {
                    Assert.Equal(succeeded, json.RootElement.GetProperty("succeeded:count").GetProperty("intValue").GetInt64());
                    Assert.Equal(0, json.RootElement.GetProperty("failed:count").GetProperty("intValue").GetInt64());
                    Assert.Equal(2, json.RootElement.GetProperty("servers:count").GetProperty("intValue").GetInt64());
                }

                // Every trial job by its display name (job arguments are store ids), and the experiment's advances if any
                // ran as jobs. A slot runs the trials that follow its own in the same job, so there are fewer trial jobs
                // than trials: the page shows exactly the ones in the database.
                string jobs = await GetAsync(http, "/hangfire/jobs/succeeded?from=0&count=100", ct);
                long[] shown = [.. JobLink().Matches(jobs).Select(m => m.Groups["name"].Value).Where(n => n.StartsWith("Trial ", StringComparison.Ordinal))
                    .Select(n => long.Parse(n["Trial ".Length..], CultureInfo.InvariantCulture)).Order()];
                Assert.Equal(await TrialJobArgumentsAsync(db.ConnectionString, ct), shown);
                Assert.NotEmpty(shown);
                Assert.Subset(trialIds.ToHashSet(), shown.ToHashSet());
                long advances = await ScalarAsync(db.ConnectionString, "SELECT COUNT(*) FROM hangfire.job WHERE invocationdata::text LIKE '%ExperimentJob%'", ct);
                Assert.Equal(advances, Regex.Count(jobs, $">Advance experiment {experiment.Id}</a>"));
                Assert.Equal(succeeded, JobLink().Count(jobs));

                string serversPage = await GetAsync(http, "/hangfire/servers", ct);
                Assert.Contains("dash-fleet-a:", serversPage, StringComparison.Ordinal);
                Assert.Contains("dash-fleet-b:", serversPage, StringComparison.Ordinal);

                // Hpo's own side of the same database: the API and the experiment's page.
                using (var list = JsonDocument.Parse(await GetAsync(http, "/api/experiments", ct)))
                {
                    var item = Assert.Single(list.RootElement.GetProperty("items").EnumerateArray());
                    Assert.Equal(experiment.Id, item.GetProperty("id").GetInt64());
                    Assert.Equal("dashboard-fleet", item.GetProperty("name").GetString());
                    Assert.Equal("completed", item.GetProperty("status").GetString());
                }

                using (var trials = JsonDocument.Parse(await GetAsync(http, $"/api/experiments/{experiment.Id}/trials?pageSize=100", ct)))
                {
                    var items = trials.RootElement.GetProperty("items").EnumerateArray().ToList();
                    Assert.Equal(trialIds, items.Select(t => t.GetProperty("id").GetInt64()).Order());
                    Assert.All(items, t => Assert.Equal("completed", t.GetProperty("status").GetString()));
                    Assert.All(items, t => Assert.StartsWith("dash-fleet-", t.GetProperty("workerId").GetString(), StringComparison.Ordinal));
                }

                string page = await GetAsync(http, $"/experiments/{experiment.Id}", ct);
                Assert.Contains("dashboard-fleet", page, StringComparison.Ordinal);
            }
            finally
            {
                foreach (var server in servers)
                {
                    await server.StopAsync(CancellationToken.None);
                }
            }
        }
        finally
        {
            File.Delete(file);
        }
    }

    [GeneratedRegex("""<a class="job-method" href="/hangfire/jobs/details/\d+">(?<name>[^<]+)</a>""")]
    private static partial Regex JobLink();

    [GeneratedRegex(@"listening on (?<url>http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();

    private static async Task<Uri> WaitForAddressAsync(WorkerProcess dashboard, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            if (Listening().Match(dashboard.Output) is { Success: true } match)
            {
                return new Uri(match.Groups["url"].Value + "/");
            }

            Assert.False(dashboard.HasExited, $"hpo dashboard exited with {(dashboard.HasExited ? dashboard.ExitCode : 0)}: {dashboard.Output}");
            Assert.True(DateTime.UtcNow < deadline, $"hpo dashboard did not say where it listens: {dashboard.Output}");
            await Task.Delay(100, ct);
        }
    }

    private static async Task<string> GetAsync(HttpClient http, string path, CancellationToken ct)
    {
        using var response = await http.GetAsync(path, ct);
        string body = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {body}");
        return body;
    }

    /// <summary>The trial ids of the fleet's trial jobs, read from Hangfire's tables (the first argument of each).</summary>
    private static async Task<long[]> TrialJobArgumentsAsync(string connection, CancellationToken ct)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT invocationdata FROM hangfire.job WHERE invocationdata::text LIKE '%TrialJob%'", db);
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            using var invocation = JsonDocument.Parse(reader.GetString(0));
            using var arguments = JsonDocument.Parse(invocation.RootElement.GetProperty("Arguments").GetString()!);
            ids.Add(long.Parse(arguments.RootElement[0].GetString()!, CultureInfo.InvariantCulture));
        }

        return [.. ids.Order()];
    }

    private static async Task<long> ScalarAsync(string connection, string sql, CancellationToken ct)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, db);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }
}
