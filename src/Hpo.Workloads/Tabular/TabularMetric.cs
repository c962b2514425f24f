namespace Hpo.Workloads.Tabular;

/// <summary>A validation metric a tabular workload can report, with its direction and bounds.</summary>
/// <param name="Name">The metric name, e.g. <c>val_accuracy</c>.</param>
/// <param name="HigherIsBetter">Whether larger values are better.</param>
/// <param name="LowerBound">The smallest possible value, when there is one.</param>
/// <param name="UpperBound">The largest possible value, when there is one.</param>
/// <param name="Tasks">The tasks it applies to.</param>
public sealed record TabularMetric(string Name, bool HigherIsBetter, double? LowerBound, double? UpperBound, IReadOnlyList<TabularTask> Tasks)
{
    /// <summary>Fraction of validation rows whose most probable class is the true one.</summary>
    public static readonly TabularMetric Accuracy = new("val_accuracy", true, 0, 1, [TabularTask.Binary, TabularTask.Multiclass]);

    /// <summary>Area under the ROC curve of the positive class's probability (binary).</summary>
    public static readonly TabularMetric Auc = new("val_auc", true, 0, 1, [TabularTask.Binary]);

    /// <summary>Mean negative log-probability of the true class (probabilities clipped at 1e-15).</summary>
    public static readonly TabularMetric LogLoss = new("val_log_loss", false, 0, null, [TabularTask.Binary, TabularTask.Multiclass]);

    /// <summary>Unweighted mean over classes of F1 (classes that occur in the labels or predictions).</summary>
    public static readonly TabularMetric MacroF1 = new("val_macro_f1", true, 0, 1, [TabularTask.Binary, TabularTask.Multiclass]);

    /// <summary>Root mean squared error.</summary>
    public static readonly TabularMetric Rmse = new("val_rmse", false, 0, null, [TabularTask.Regression]);

    /// <summary>Mean absolute error.</summary>
    public static readonly TabularMetric Mae = new("val_mae", false, 0, null, [TabularTask.Regression]);

    /// <summary>Coefficient of determination, 1 − SSE/SST over the validation rows.</summary>
    public static readonly TabularMetric R2 = new("val_r2", true, null, 1, [TabularTask.Regression]);

    /// <summary>Every metric.</summary>
    public static IReadOnlyList<TabularMetric> All { get; } = [Accuracy, Auc, LogLoss, MacroF1, Rmse, Mae, R2];

    /// <summary>The metric an experiment gets when it names none: accuracy for classification, RMSE for regression.</summary>
    public static TabularMetric DefaultFor(TabularTask task) => task == TabularTask.Regression ? Rmse : Accuracy;

    /// <summary>The metric called <paramref name="name"/> for <paramref name="task"/>.</summary>
    /// <exception cref="ArgumentException">There is none, or it does not apply to the task; the message lists those that do.</exception>
    public static TabularMetric Find(string name, TabularTask task)
    {
        string known = string.Join(", ", All.Where(m => m.Tasks.Contains(task)).Select(m => m.Name));
        var metric = All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.Ordinal))
            ?? throw new ArgumentException($"is '{name}'; metrics for a {TaskName(task)} task: {known}");
        return metric.Tasks.Contains(task)
            ? metric
            : throw new ArgumentException($"is '{name}', which does not apply to a {TaskName(task)} task; use one of {known}");
    }

    /// <summary>The settings form of a task: <c>binary</c>, <c>multiclass</c> or <c>regression</c>.</summary>
    public static string TaskName(TabularTask task) => task.ToString().ToLowerInvariant();
}
