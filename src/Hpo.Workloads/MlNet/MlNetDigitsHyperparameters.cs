using Hpo.Scheduler.SearchSpaces;

namespace Hpo.Workloads.MlNet;

/// <summary>
/// The hyperparameters of <see cref="MlNetDigitsWorkload"/> (L-BFGS maximum entropy), read from a
/// configuration. A parameter the configuration lacks takes the default shown; an unknown or out-of-range
/// one is an error.
/// </summary>
public sealed class MlNetDigitsHyperparameters
{
    private static readonly string[] Known = ["l1_regularization", "l2_regularization", "optimization_tolerance", "iterations_per_epoch", "history_size"];

    /// <summary><c>l1_regularization</c>, in [0, 1000]; default 1e-2.</summary>
    public double L1Regularization { get; init; } = 1e-2;

    /// <summary><c>l2_regularization</c>, in [0, 1000]; default 1e-2.</summary>
    public double L2Regularization { get; init; } = 1e-2;

    /// <summary><c>optimization_tolerance</c>: L-BFGS stops an epoch early when the loss improves less, in (0, 0.1]; default 1e-7.</summary>
    public double OptimizationTolerance { get; init; } = 1e-7;

    /// <summary><c>iterations_per_epoch</c>: L-BFGS iterations per epoch, in [1, 1000]; default 3.</summary>
    public int IterationsPerEpoch { get; init; } = 3;

    /// <summary><c>history_size</c>: L-BFGS memory, in [1, 100]; default 20.</summary>
    public int HistorySize { get; init; } = 20;

    /// <summary>Reads and validates the hyperparameters.</summary>
    /// <exception cref="ArgumentException">A parameter is unknown, has the wrong type or is out of range; the message names it.</exception>
    public static MlNetDigitsHyperparameters FromParameters(TrialParameters parameters)
    {
        var read = new HyperparameterReader(parameters, MlNetDigitsWorkload.TypeName, Known);
        var defaults = new MlNetDigitsHyperparameters();
        return new MlNetDigitsHyperparameters
        {
            L1Regularization = read.Double("l1_regularization", defaults.L1Regularization, 0, 1000),
            L2Regularization = read.Double("l2_regularization", defaults.L2Regularization, 0, 1000),
            OptimizationTolerance = read.Double("optimization_tolerance", defaults.OptimizationTolerance, 0, 0.1, minExclusive: true),
            IterationsPerEpoch = read.Int32("iterations_per_epoch", defaults.IterationsPerEpoch, 1, 1000),
            HistorySize = read.Int32("history_size", defaults.HistorySize, 1, 100),
        };
    }
}
