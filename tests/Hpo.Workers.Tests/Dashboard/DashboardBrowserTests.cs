using System.Globalization;
using Hpo.Scheduler.Persistence;
using OpenQA.Selenium;
using OpenQA.Selenium.Support.UI;

namespace Hpo.Workers.Tests.Dashboard;

/// <summary>The dashboard in a real headless Chromium: what a person sees, and that the page logs no error.</summary>
public sealed class DashboardBrowserTests(ChromiumDashboardFixture fixture) : IClassFixture<ChromiumDashboardFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [ChromiumFact]
    public void ExperimentPage_SeededExperiment_DrawsOneCurvePerTrialAndTheSelectedTrialsFanOnly()
    {
        DashboardSeed seed = fixture.Seed;
        var expected = seed.Observed.Select(t => t.Id.ToString(CultureInfo.InvariantCulture)).Order().ToArray();

        Open($"experiments/{seed.Experiment.Id}");
        var curves = WaitFor(d =>
        {
            var found = d.FindElements(By.CssSelector("#curves-chart svg path.curve"));
            return found.Count == expected.Length ? found : null;
        });

        Assert.Equal(expected, curves.Select(c => c.GetAttribute("data-trial-id")).Order().ToArray());
        Assert.All(curves, c => Assert.StartsWith("M", c.GetAttribute("d"), StringComparison.Ordinal));
        // No forecast drawn for every trial at once: none until one is chosen.
        Assert.Empty(fixture.Driver.FindElements(By.CssSelector("#curves-chart g.fan")));
        Assert.Empty(fixture.Driver.FindElements(By.CssSelector("#curves-chart polygon.band")));

        string stopped = seed.Stopped.Id.ToString(CultureInfo.InvariantCulture);
        WaitFor(d => d.FindElements(By.CssSelector($"#trials button.show-forecast[data-trial-id='{stopped}']")).FirstOrDefault()).Click();
        IWebElement fan = WaitFor(d => d.FindElements(By.CssSelector("#curves-chart g.fan")).FirstOrDefault());
        Assert.Equal(stopped, fan.GetAttribute("data-trial-id"));
        Assert.Equal((DashboardSeed.MaxEpochs - seed.Stopped.LastEpoch).ToString(CultureInfo.InvariantCulture), fan.GetAttribute("data-epochs"));
        Assert.Single(fixture.Driver.FindElements(By.CssSelector("#curves-chart g.fan")));
        Assert.Single(fixture.Driver.FindElements(By.CssSelector("#curves-chart polygon.fan-90")));
        Assert.Single(fixture.Driver.FindElements(By.CssSelector("#curves-chart polygon.fan-50")));
        Assert.Contains($"Trial #{seed.Stopped.Number}", fixture.Driver.FindElement(By.Id("forecast-note")).Text, StringComparison.Ordinal);

        Assert.Single(fixture.Driver.FindElements(By.CssSelector("#best-chart svg path.best-line")));
        Assert.Equal("2", fixture.Driver.FindElement(By.CssSelector("#best-chart path.ends-stop")).GetAttribute("data-count"));
        Assert.Equal("2", fixture.Driver.FindElement(By.CssSelector("#best-chart path.ends-complete")).GetAttribute("data-count"));
        Assert.Single(fixture.Driver.FindElements(By.CssSelector("#best-chart rect.saved-span")));
        Assert.Equal(seed.Trials.Count, fixture.Driver.FindElements(By.CssSelector("#trials tbody tr")).Count);
        string saved = fixture.Driver.FindElement(By.Id("card-saved")).Text;
        long epochsSaved = (DashboardSeed.MaxEpochs - seed.Stopped.LastEpoch) + (DashboardSeed.MaxEpochs - seed.StoppedEarly.LastEpoch);
        Assert.Contains(epochsSaved.ToString(CultureInfo.InvariantCulture), saved, StringComparison.Ordinal);
        Assert.Contains($"epochs saved: {epochsSaved}", fixture.Driver.FindElement(By.Id("best-legend")).Text, StringComparison.Ordinal);
        SaveScreenshot("experiment");
        Assert.Empty(fixture.TakeConsoleErrors());
    }

    [ChromiumFact]
    public void TrialPage_StoppedTrial_DrawsTheFanForEveryRemainingEpoch()
    {
        DashboardSeed seed = fixture.Seed;
        int remaining = DashboardSeed.MaxEpochs - seed.Stopped.LastEpoch;

        Open($"trials/{seed.Stopped.Id}");
        IWebElement fan = WaitFor(d => d.FindElements(By.CssSelector("#trial-chart g.fan")).FirstOrDefault());

        Assert.Equal(remaining.ToString(CultureInfo.InvariantCulture), fan.GetAttribute("data-epochs"));
        // The median runs from the last observed point through one vertex per forecast epoch.
        string median = fixture.Driver.FindElement(By.CssSelector("#trial-chart path.fan-median")).GetAttribute("d")!;
        Assert.Equal(remaining, median.Count(c => c == 'L'));
        // Each band's outline: the last observed point and every forecast epoch, along the top and back along the bottom.
        foreach (string band in new[] { "fan-90", "fan-50" })
        {
            string points = fixture.Driver.FindElement(By.CssSelector($"#trial-chart polygon.{band}")).GetAttribute("points")!;
            Assert.Equal(2 * (remaining + 1), points.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        }

        Assert.Contains("given 5 epochs", fixture.Driver.FindElement(By.Id("forecast-note")).Text, StringComparison.Ordinal);
        Assert.Contains("LC-PFN 90% band", fixture.Driver.FindElement(By.Id("curves-legend")).Text, StringComparison.Ordinal);
        Assert.Empty(fixture.TakeConsoleErrors());
    }

    [ChromiumFact]
    public async Task TrialPage_RunningTrialRecordsAnEpoch_GainsAPointAndItsFanMovesWithoutReloading()
    {
        DashboardSeed seed = fixture.Seed;
        Open($"trials/{seed.Running.Id}");
        IWebElement fan = WaitFor(d => d.FindElements(By.CssSelector("#trial-chart g.fan")).FirstOrDefault());
        int epochsBefore = int.Parse(fan.GetAttribute("data-epochs")!, CultureInfo.InvariantCulture);
        string before = fixture.Driver.FindElement(By.CssSelector("#trial-chart path.curve")).GetAttribute("d")!;
        ((IJavaScriptExecutor)fixture.Driver).ExecuteScript("window.hpoNoReload = 'still here';");

        await seed.AdvanceRunningTrialAsync();

        string after = WaitFor(d =>
        {
            string? d2 = d.FindElements(By.CssSelector("#trial-chart path.curve")).FirstOrDefault()?.GetAttribute("d");
            return d2 is not null && d2 != before ? d2 : null;
        });
        Assert.Equal(before.Count(c => c == 'L') + 1, after.Count(c => c == 'L'));
        WaitFor(d => d.FindElements(By.CssSelector($"#trial-chart g.fan[data-epochs='{epochsBefore - 1}']")).FirstOrDefault());
        Assert.Equal("still here", ((IJavaScriptExecutor)fixture.Driver).ExecuteScript("return window.hpoNoReload;"));
        Assert.Empty(fixture.TakeConsoleErrors());
    }

    [ChromiumFact]
    public async Task Pages_DashboardWithoutModel_DrawCurvesWithoutBandsOrErrors()
    {
        DashboardSeed seed = fixture.Seed;
        await using DashboardTestHost host = await DashboardTestHost.StartKestrelAsync(seed.Store, o => o.PollIntervalSeconds = 1);

        Open(new Uri(host.BaseAddress, $"experiments/{seed.Experiment.Id}"));
        WaitFor(d => d.FindElements(By.CssSelector("#curves-chart svg path.curve")).FirstOrDefault());
        Assert.Contains("No LC-PFN model", WaitFor(d => d.FindElements(By.Id("forecast-note")).FirstOrDefault(e => e.Text.Length > 0)).Text, StringComparison.Ordinal);
        Assert.Empty(fixture.Driver.FindElements(By.CssSelector("#trials button.show-forecast")));

        Open(new Uri(host.BaseAddress, $"trials/{seed.Stopped.Id}"));
        WaitFor(d => d.FindElements(By.CssSelector("#trial-chart svg path.curve")).FirstOrDefault());
        WaitFor(d => d.FindElements(By.Id("forecast-note")).FirstOrDefault(e => e.Text.Contains("No LC-PFN model", StringComparison.Ordinal)));
        Assert.Empty(fixture.Driver.FindElements(By.CssSelector("#trial-chart g.fan")));
        Assert.Empty(fixture.TakeConsoleErrors());
    }

    [ChromiumFact]
    public async Task ExperimentPage_NewEpochRecorded_UpdatesTheCurveWithoutReloading()
    {
        DashboardSeed seed = fixture.Seed;
        string selector = $"#curves-chart path.curve[data-trial-id='{seed.Running.Id}']";
        Open($"experiments/{seed.Experiment.Id}");
        string before = WaitFor(d => d.FindElements(By.CssSelector(selector)).FirstOrDefault()?.GetAttribute("d"));
        ((IJavaScriptExecutor)fixture.Driver).ExecuteScript("window.hpoNoReload = 'still here';");

        await seed.AdvanceRunningTrialAsync();

        string after = WaitFor(d =>
        {
            string? d2 = d.FindElements(By.CssSelector(selector)).FirstOrDefault()?.GetAttribute("d");
            return d2 is not null && d2 != before ? d2 : null;
        });
        Assert.Equal(before.Count(c => c == 'L') + 1, after.Count(c => c == 'L'));
        Assert.Equal("still here", ((IJavaScriptExecutor)fixture.Driver).ExecuteScript("return window.hpoNoReload;"));
        Assert.Empty(fixture.TakeConsoleErrors());
    }

    [ChromiumFact]
    public void TrialPage_StoppedTrial_ListsEveryDecision()
    {
        DashboardSeed seed = fixture.Seed;

        Open($"trials/{seed.Stopped.Id}");
        var rows = WaitFor(d =>
        {
            var found = d.FindElements(By.CssSelector("#decisions tbody tr"));
            return found.Count > 0 ? found : null;
        });

        Assert.Equal(["2", "3", "4", "5"], rows.Select(r => r.GetAttribute("data-epoch")));
        IWebElement last = rows[^1];
        Assert.Equal("stop", last.GetAttribute("data-action"));
        Assert.Contains("lcpfn", last.Text, StringComparison.Ordinal);
        Assert.Contains("1.2%", last.Text, StringComparison.Ordinal);
        Assert.Single(fixture.Driver.FindElements(By.CssSelector("#trial-chart path.curve")));
        WaitFor(d => d.FindElements(By.CssSelector($"#trial-chart g.fan[data-trial-id='{seed.Stopped.Id}']")).FirstOrDefault());
        Assert.Contains("LC-PFN", fixture.Driver.FindElement(By.Id("trial-details")).Text, StringComparison.Ordinal);
        SaveScreenshot("trial");
        Assert.Empty(fixture.TakeConsoleErrors());
    }

    [ChromiumFact]
    public void ExperimentsPage_Seeded_ListsEveryExperimentWithLinks()
    {
        Open(string.Empty);
        var rows = WaitFor(d =>
        {
            var found = d.FindElements(By.CssSelector("#experiments tbody tr"));
            return found.Count > 0 ? found : null;
        });

        Assert.Equal(3, rows.Count);
        IWebElement link = fixture.Driver.FindElement(By.LinkText("cifar10-resnet"));
        Assert.EndsWith($"/experiments/{fixture.Seed.Experiment.Id}", link.GetAttribute("href"), StringComparison.Ordinal);
        SaveScreenshot("experiments");
        Assert.Empty(fixture.TakeConsoleErrors());
    }

    [ChromiumFact]
    public void ExperimentPage_NoTrialsYet_ShowsEmptyStatesWithoutErrors()
    {
        Open($"experiments/{fixture.Seed.EmptyExperiment.Id}");
        IWebElement trials = WaitFor(d => d.FindElements(By.CssSelector("#trials p.empty")).FirstOrDefault());

        Assert.Equal("No trials yet.", trials.Text);
        Assert.Contains("No epoch has been recorded yet.", fixture.Driver.FindElement(By.Id("curves-chart")).Text, StringComparison.Ordinal);
        Assert.Empty(fixture.Driver.FindElements(By.CssSelector("svg path.curve")));
        Assert.Contains("0 (0.0%)", fixture.Driver.FindElement(By.Id("card-saved")).Text, StringComparison.Ordinal);
        Assert.Empty(fixture.TakeConsoleErrors());
    }

    [ChromiumFact]
    public void TrialPage_PendingTrial_ShowsEmptyStatesWithoutErrors()
    {
        Open($"trials/{fixture.Seed.Pending.Id}");
        IWebElement decisions = WaitFor(d => d.FindElements(By.CssSelector("#decisions p.empty")).FirstOrDefault());

        Assert.Equal("No decisions recorded for this trial.", decisions.Text);
        Assert.Contains("No epoch has been recorded yet.", fixture.Driver.FindElement(By.Id("trial-chart")).Text, StringComparison.Ordinal);
        Assert.Empty(fixture.TakeConsoleErrors());
    }

    [ChromiumFact]
    public async Task ExperimentPage_TrialPausedAndResumed_MarksBothOnTheCurveAndTheBestChartAndShowsThePausePrediction()
    {
        // Written through the store's API as a pausing worker does: claim, three epochs, a Pause decision with the
        // LC-PFN's forecast, the pause with its checkpoint; the page shows the trial paused; then another claim resumes
        // it and records the next epoch, which the open page picks up without a reload. A store of its own, so the
        // other tests' experiment list stays as seeded.
        IExperimentStore store = new InMemoryExperimentStore(fixture.Seed.Time);
        await using DashboardTestHost host = await DashboardTestHost.StartKestrelAsync(store, o => o.PollIntervalSeconds = 1);
        ExperimentRecord experiment = await store.CreateExperimentAsync(fixture.Seed.Experiment.Spec with { Name = $"freeze-thaw-{Guid.NewGuid():N}" });
        TrialRecord trial = await store.CreateTrialAsync(experiment.Id, """{ "learning_rate": 0.01, "num_layers": 3, "optimizer": "adam" }""");
        TrialLease lease = await store.ClaimTrialAsync(trial.Id, "worker-1", TimeSpan.FromHours(1));
        await store.RecordObservationsAsync(lease, [(1, 0.41), (2, 0.55), (3, 0.61)]);
        await store.RecordDecisionAsync(lease, new DecisionRecord(trial.Id, 3, DecisionAction.Pause, "freeze-thaw", 0.31, 0.8123, 0.74, 0.87, "paused: others first", fixture.Seed.Time.GetUtcNow()));
        await store.PauseTrialAsync(lease, 3, new byte[] { 1, 2, 3 }, "paused: others first");

        Open(new Uri(host.BaseAddress, $"experiments/{experiment.Id}"));
        string id = trial.Id.ToString(CultureInfo.InvariantCulture);
        string status = WaitFor(d => d.FindElements(By.CssSelector($"#trials tr[data-trial-id='{id}']")).FirstOrDefault()?.GetAttribute("data-status"));
        Assert.Equal("paused", status);
        Assert.Equal("paused", WaitFor(d => d.FindElements(By.CssSelector($"#trials tr[data-trial-id='{id}'] span.badge")).FirstOrDefault()?.Text));
        Assert.NotNull(WaitFor(d => d.FindElements(By.CssSelector($"#curves-chart rect.mark-pause[data-trial-id='{id}']")).FirstOrDefault()));

        TrialLease resumed = await store.ClaimTrialAsync(trial.Id, "worker-2", TimeSpan.FromHours(1));
        Assert.Equal(3, resumed.ResumeFromEpoch);
        await store.RecordObservationAsync(resumed, 4, 0.66);

        IWebElement pause = WaitFor(d => d.FindElements(By.CssSelector($"#curves-chart rect.mark-pause[data-trial-id='{id}']")).FirstOrDefault());
        Assert.Equal("3", pause.GetAttribute("data-epoch"));
        Assert.Equal("4", WaitFor(d => d.FindElements(By.CssSelector($"#curves-chart path.mark-resume[data-trial-id='{id}']")).FirstOrDefault()).GetAttribute("data-epoch"));
        WaitFor(d => d.FindElements(By.CssSelector($"#trials tr[data-trial-id='{id}'][data-status='running']")).FirstOrDefault());
        Assert.Equal("1", WaitFor(d => d.FindElements(By.CssSelector("#best-chart path.ends-pause")).FirstOrDefault()).GetAttribute("data-count"));
        Assert.Equal("1", fixture.Driver.FindElement(By.CssSelector("#best-chart path.ends-resume")).GetAttribute("data-count"));
        Assert.Contains("trial paused", fixture.Driver.FindElement(By.Id("best-legend")).Text, StringComparison.Ordinal);
        // The Pause decision's forecast of the final epoch, in the trials table.
        IWebElement predicted = WaitFor(d => d.FindElements(By.CssSelector($"#trials tr[data-trial-id='{id}'] span.predicted")).FirstOrDefault());
        Assert.StartsWith("0.8123", predicted.Text, StringComparison.Ordinal);
        Assert.Contains("pause decision after epoch 3", predicted.GetAttribute("title"), StringComparison.Ordinal);
        SaveScreenshot("paused");
        Assert.Empty(fixture.TakeConsoleErrors());
    }

    [ChromiumFact]
    public void ExperimentPage_StatusFilter_ShowsOnlyThatStatusInTheTableAndChart()
    {
        DashboardSeed seed = fixture.Seed;
        Open($"experiments/{seed.Experiment.Id}");
        WaitFor(d => d.FindElements(By.CssSelector("#trials tbody tr")).Count == seed.Trials.Count ? d : null);

        fixture.Driver.FindElement(By.CssSelector("#status-filter option[value='stopped']")).Click();

        var rows = WaitFor(d =>
        {
            var found = d.FindElements(By.CssSelector("#trials tbody tr"));
            return found.Count == 2 && found.All(r => r.GetAttribute("data-status") == "stopped") ? found : null;
        });
        Assert.Equal(2, rows.Count);
        WaitFor(d => d.FindElements(By.CssSelector("#curves-chart path.curve")).Count == 2 ? d : null);
        Assert.All(fixture.Driver.FindElements(By.CssSelector("#curves-chart path.curve")), c => Assert.Equal("stopped", c.GetAttribute("data-status")));

        fixture.Driver.FindElement(By.CssSelector("#status-filter option[value='paused']")).Click();
        IWebElement empty = WaitFor(d => d.FindElements(By.CssSelector("#trials p.empty")).FirstOrDefault());
        Assert.Equal("No paused trials.", empty.Text);
        Assert.Empty(fixture.TakeConsoleErrors());
    }

    [ChromiumFact]
    public void ConsoleLog_PageAnsweredWith404_IsCollectedAsAnError()
    {
        // Proves the console check above can fail: Chromium logs a failed load as an error.
        Open("experiments/987654");
        WaitFor(d => d.FindElements(By.TagName("h1")).FirstOrDefault());

        Assert.Contains(fixture.TakeConsoleErrors(), e => e.Contains("404", StringComparison.Ordinal));
    }

    private static void SaveScreenshotTo(ITakesScreenshot driver, string name)
    {
        // Opt-in, for a person to look at: HPO_DASHBOARD_SCREENSHOTS=<folder>.
        if (Environment.GetEnvironmentVariable("HPO_DASHBOARD_SCREENSHOTS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            driver.GetScreenshot().SaveAsFile(Path.Combine(folder, $"dashboard-{name}.png"));
        }
    }

    private void SaveScreenshot(string name) => SaveScreenshotTo(fixture.Driver, name);

    private void Open(string relative) => Open(new Uri(fixture.Host.BaseAddress, relative));

    private void Open(Uri url)
    {
        fixture.TakeConsoleErrors();
        fixture.Driver.Navigate().GoToUrl(url);
    }

    private T WaitFor<T>(Func<IWebDriver, T?> condition)
        where T : class
    {
        var wait = new WebDriverWait(fixture.Driver, Patience) { PollingInterval = TimeSpan.FromMilliseconds(100) };
        // A live refresh may replace an element between finding it and reading it; the next poll finds the new one.
        wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException));
        return wait.Until(d => condition(d))!;
    }
}
