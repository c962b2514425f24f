using System.Globalization;
using OpenQA.Selenium;
using OpenQA.Selenium.Support.UI;

namespace Hpo.Workers.Tests.Dashboard;

/// <summary>The dashboard in a real headless Chromium: what a person sees, and that the page logs no error.</summary>
public sealed class DashboardBrowserTests(ChromiumDashboardFixture fixture) : IClassFixture<ChromiumDashboardFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [ChromiumFact]
    public void ExperimentPage_SeededExperiment_DrawsOneCurvePerTrialAndTheStoppedTrialsBand()
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
        string stopped = seed.Stopped.Id.ToString(CultureInfo.InvariantCulture);
        IWebElement band = fixture.Driver.FindElement(By.CssSelector($"#curves-chart polygon.band[data-trial-id='{stopped}']"));
        Assert.Equal(3, band.GetAttribute("points")!.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.True(band.Displayed);
        Assert.Single(fixture.Driver.FindElements(By.CssSelector($"#curves-chart line.median[data-trial-id='{stopped}']")));
        Assert.Single(fixture.Driver.FindElements(By.CssSelector($"#curves-chart polygon.band[data-trial-id='{seed.Running.Id}']")));
        Assert.Empty(fixture.Driver.FindElements(By.CssSelector($"#curves-chart polygon.band[data-trial-id='{seed.Completed.Id}']")));
        Assert.Single(fixture.Driver.FindElements(By.CssSelector("#best-chart svg path.best-line")));
        Assert.Equal(seed.Trials.Count, fixture.Driver.FindElements(By.CssSelector("#trials tbody tr")).Count);
        string saved = fixture.Driver.FindElement(By.Id("card-saved")).Text;
        long epochsSaved = (DashboardSeed.MaxEpochs - seed.Stopped.LastEpoch) + (DashboardSeed.MaxEpochs - seed.StoppedEarly.LastEpoch);
        Assert.Contains(epochsSaved.ToString(CultureInfo.InvariantCulture), saved, StringComparison.Ordinal);
        SaveScreenshot("experiment");
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
    public void TrialPage_StoppedTrial_ListsEveryDecisionAndDrawsItsBand()
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
        Assert.Single(fixture.Driver.FindElements(By.CssSelector($"#trial-chart polygon.band[data-trial-id='{seed.Stopped.Id}']")));
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

    private void Open(string relative)
    {
        fixture.TakeConsoleErrors();
        fixture.Driver.Navigate().GoToUrl(new Uri(fixture.Host.BaseAddress, relative));
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
