using Hpo.Workloads.Tabular;

namespace Hpo.Workloads.Tests.Tabular;

public sealed class TabularMetricsTests
{
    private static readonly float[] BinaryTargets = [0, 0, 1, 1];

    private static readonly float[] BinaryProbabilities = [0.1f, 0.6f, 0.4f, 0.9f];

    [Fact]
    public void Evaluate_Binary_AccuracyAucLogLossAndMacroF1()
    {
        double Evaluate(TabularMetric m) => TabularMetrics.Evaluate(m, TabularTask.Binary, BinaryTargets, BinaryProbabilities, 2);

        Assert.Equal(0.5, Evaluate(TabularMetric.Accuracy));

        // Positive scores 0.4, 0.9 against negatives 0.1, 0.6: three of four pairs are ordered correctly.
        Assert.Equal(0.75, Evaluate(TabularMetric.Auc), 12);
        Assert.Equal(-(Math.Log(0.9) + Math.Log(0.4) + Math.Log(0.4) + Math.Log(0.9)) / 4, Evaluate(TabularMetric.LogLoss), 6);
        Assert.Equal(0.5, Evaluate(TabularMetric.MacroF1), 12);
    }

    [Fact]
    public void Evaluate_Multiclass_MacroF1AveragesTheClasses()
    {
        float[] targets = [0, 1, 2, 2];
        float[] probabilities =
        [
            0.8f, 0.1f, 0.1f,
            0.2f, 0.7f, 0.1f,
            0.1f, 0.6f, 0.3f,
            0.1f, 0.1f, 0.8f,
        ];

        double f1 = TabularMetrics.Evaluate(TabularMetric.MacroF1, TabularTask.Multiclass, targets, probabilities, 3);

        // Class 0: F1 1; class 1: precision 1/2, recall 1 → 2/3; class 2: precision 1, recall 1/2 → 2/3.
        Assert.Equal((1 + (2.0 / 3) + (2.0 / 3)) / 3, f1, 12);
        Assert.Equal(0.75, TabularMetrics.Evaluate(TabularMetric.Accuracy, TabularTask.Multiclass, targets, probabilities, 3));
    }

    [Fact]
    public void Evaluate_Regression_RmseMaeAndR2()
    {
        float[] targets = [1, 2, 3, 4];
        float[] predictions = [1, 2, 3, 6];

        Assert.Equal(1.0, TabularMetrics.Evaluate(TabularMetric.Rmse, TabularTask.Regression, targets, predictions, 0), 12);
        Assert.Equal(0.5, TabularMetrics.Evaluate(TabularMetric.Mae, TabularTask.Regression, targets, predictions, 0), 12);
        Assert.Equal(1 - (4.0 / 5), TabularMetrics.Evaluate(TabularMetric.R2, TabularTask.Regression, targets, predictions, 0), 12);
    }

    [Fact]
    public void Evaluate_NonFiniteOutput_ThrowsSayingTrainingDiverged()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => TabularMetrics.Evaluate(TabularMetric.Rmse, TabularTask.Regression, [1, 2], [1, float.NaN], 0));

        Assert.Contains("diverged", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_MetricOfAnotherTask_Throws()
    {
        Assert.Throws<ArgumentException>(() => TabularMetric.Find("val_auc", TabularTask.Multiclass));
        Assert.Same(TabularMetric.R2, TabularMetric.Find("val_r2", TabularTask.Regression));
    }
}
