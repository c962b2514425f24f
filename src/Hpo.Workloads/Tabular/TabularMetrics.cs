namespace Hpo.Workloads.Tabular;

/// <summary>Computes a <see cref="TabularMetric"/> from a model's validation outputs.</summary>
internal static class TabularMetrics
{
    private const double ProbabilityFloor = 1e-15;

    /// <summary>
    /// The metric's value. <paramref name="outputs"/> holds, per row, the positive class's probability
    /// (binary), one probability per class (multiclass) or the predicted value (regression).
    /// </summary>
    /// <exception cref="InvalidOperationException">An output is not finite (the model diverged).</exception>
    public static double Evaluate(TabularMetric metric, TabularTask task, float[] targets, float[] outputs, int classes)
    {
        for (int i = 0; i < outputs.Length; i++)
        {
            if (!float.IsFinite(outputs[i]))
            {
                throw new InvalidOperationException($"The model's validation output {i} is {outputs[i]}: training diverged (try a smaller learning rate).");
            }
        }

        int n = targets.Length;
        if (n == 0)
        {
            throw new InvalidOperationException("The validation set is empty.");
        }

        if (task == TabularTask.Regression)
        {
            return metric.Name switch
            {
                "val_rmse" => Math.Sqrt(SquaredError(targets, outputs) / n),
                "val_mae" => AbsoluteError(targets, outputs) / n,
                "val_r2" => RSquared(targets, outputs),
                _ => throw Unsupported(metric, task),
            };
        }

        int width = task == TabularTask.Binary ? 1 : classes;
        double Probability(int row, int c) => task == TabularTask.Binary
            ? (c == 1 ? outputs[row] : 1 - outputs[row])
            : outputs[(row * width) + c];

        int Predicted(int row)
        {
            int best = 0;
            for (int c = 1; c < classes; c++)
            {
                best = Probability(row, c) > Probability(row, best) ? c : best;
            }

            return best;
        }

        switch (metric.Name)
        {
            case "val_accuracy":
                int correct = 0;
                for (int i = 0; i < n; i++)
                {
                    correct += Predicted(i) == (int)targets[i] ? 1 : 0;
                }

                return (double)correct / n;
            case "val_log_loss":
                double loss = 0;
                for (int i = 0; i < n; i++)
                {
                    loss -= Math.Log(Math.Max(ProbabilityFloor, Probability(i, (int)targets[i])));
                }

                return loss / n;
            case "val_macro_f1":
                var truePositives = new int[classes];
                var predictedCounts = new int[classes];
                var actualCounts = new int[classes];
                for (int i = 0; i < n; i++)
                {
                    int p = Predicted(i), t = (int)targets[i];
                    predictedCounts[p]++;
                    actualCounts[t]++;
                    truePositives[t] += p == t ? 1 : 0;
                }

                double sum = 0;
                int counted = 0;
                for (int c = 0; c < classes; c++)
                {
                    if (predictedCounts[c] + actualCounts[c] > 0)
                    {
                        sum += 2.0 * truePositives[c] / (predictedCounts[c] + actualCounts[c]);
                        counted++;
                    }
                }

                return sum / counted;
            case "val_auc" when task == TabularTask.Binary:
                return Auc(targets, outputs);
            default:
                throw Unsupported(metric, task);
        }
    }

    /// <summary>The probability that a random positive row scores above a random negative one (ties count half).</summary>
    private static double Auc(float[] targets, float[] scores)
    {
        int n = targets.Length;
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }

        float[] copy = scores;
        Array.Sort(order, (a, b) => copy[a].CompareTo(copy[b]));
        double positiveRankSum = 0;
        long positives = 0;
        for (int start = 0; start < n;)
        {
            int end = start;
            while (end + 1 < n && copy[order[end + 1]] == copy[order[start]])
            {
                end++;
            }

            double averageRank = ((start + end) / 2.0) + 1;
            for (int k = start; k <= end; k++)
            {
                if (targets[order[k]] == 1)
                {
                    positiveRankSum += averageRank;
                    positives++;
                }
            }

            start = end + 1;
        }

        long negatives = n - positives;
        return positives == 0 || negatives == 0
            ? throw new InvalidOperationException("AUC needs both classes among the validation rows.")
            : (positiveRankSum - (positives * (positives + 1) / 2.0)) / ((double)positives * negatives);
    }

    private static double SquaredError(ReadOnlySpan<float> targets, ReadOnlySpan<float> outputs)
    {
        double sum = 0;
        for (int i = 0; i < targets.Length; i++)
        {
            double d = (double)outputs[i] - targets[i];
            sum += d * d;
        }

        return sum;
    }

    private static double AbsoluteError(ReadOnlySpan<float> targets, ReadOnlySpan<float> outputs)
    {
        double sum = 0;
        for (int i = 0; i < targets.Length; i++)
        {
            sum += Math.Abs((double)outputs[i] - targets[i]);
        }

        return sum;
    }

    private static double RSquared(ReadOnlySpan<float> targets, ReadOnlySpan<float> outputs)
    {
        double mean = 0;
        foreach (float t in targets)
        {
            mean += t;
        }

        mean /= targets.Length;
        double total = 0;
        foreach (float t in targets)
        {
            total += (t - mean) * (t - mean);
        }

        // A constant target: every prediction is as good as the mean only when it is exact.
        double sse = SquaredError(targets, outputs);
        return total > 0 ? 1 - (sse / total) : (sse == 0 ? 1 : 0);
    }

    private static InvalidOperationException Unsupported(TabularMetric metric, TabularTask task) =>
        new($"Metric '{metric.Name}' does not apply to a {TabularMetric.TaskName(task)} task.");
}
