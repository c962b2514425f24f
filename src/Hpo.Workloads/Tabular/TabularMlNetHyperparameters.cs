using Hpo.Scheduler.SearchSpaces;

namespace Hpo.Workloads.Tabular;

/// <summary>
/// The hyperparameters of <see cref="TabularMlNetWorkload"/>. Each task's learner uses some of them:
/// L-BFGS (binary and multiclass) <c>l1_regularization</c>, <c>l2_regularization</c>,
/// <c>iterations_per_epoch</c>; online gradient descent (regression) <c>learning_rate</c>,
/// <c>l2_regularization</c>, <c>iterations_per_epoch</c>. A parameter the learner does not use is accepted
/// and has no effect (so one default space serves every task); an unknown or out-of-range one is an error.
/// </summary>
public sealed class TabularMlNetHyperparameters
{
    private static readonly string[] Known = ["l1_regularization", "l2_regularization", "learning_rate", "iterations_per_epoch"];

    /// <summary><c>l1_regularization</c> of L-BFGS, in [0, 1000]; default 1e-3.</summary>
    public double L1Regularization { get; init; } = 1e-3;

    /// <summary><c>l2_regularization</c>, in [0, 1000]; default 1e-2.</summary>
    public double L2Regularization { get; init; } = 1e-2;

    /// <summary><c>learning_rate</c> of online gradient descent, in (0, 10]; default 0.05.</summary>
    public double LearningRate { get; init; } = 0.05;

    /// <summary><c>iterations_per_epoch</c>: L-BFGS iterations, or passes over the rows for online gradient descent, in [1, 1000]; default 3.</summary>
    public int IterationsPerEpoch { get; init; } = 3;

    /// <summary>The hyperparameters the learner of <paramref name="task"/> uses.</summary>
    public static IReadOnlyList<string> UsedBy(TabularTask task) => task == TabularTask.Regression
        ? ["learning_rate", "l2_regularization", "iterations_per_epoch"]
        : ["l1_regularization", "l2_regularization", "iterations_per_epoch"];

    /// <summary>Reads and validates the hyperparameters.</summary>
    /// <exception cref="ArgumentException">A parameter is unknown, has the wrong type or is out of range; the message names it.</exception>
    public static TabularMlNetHyperparameters FromParameters(TrialParameters parameters)
    {
        var read = new HyperparameterReader(parameters, TabularMlNetWorkload.TypeName, Known);
        var defaults = new TabularMlNetHyperparameters();
        return new TabularMlNetHyperparameters
        {
            L1Regularization = read.Double("l1_regularization", defaults.L1Regularization, 0, 1000),
            L2Regularization = read.Double("l2_regularization", defaults.L2Regularization, 0, 1000),
            LearningRate = read.Double("learning_rate", defaults.LearningRate, 0, 10, minExclusive: true),
            IterationsPerEpoch = read.Int32("iterations_per_epoch", defaults.IterationsPerEpoch, 1, 1000),
        };
    }
}
