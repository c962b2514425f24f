using Hpo.Scheduler.SearchSpaces;

namespace Hpo.Workloads.MlNet;

/// <summary>
/// The hyperparameters of <see cref="MlNetBreastCancerWorkload"/> (SGD logistic regression), read from a
/// configuration. A parameter the configuration lacks takes the default shown; an unknown or out-of-range
/// one is an error.
/// </summary>
public sealed class MlNetBreastCancerHyperparameters
{
    private static readonly string[] Known = ["learning_rate", "l2_regularization", "iterations_per_epoch"];

    /// <summary><c>learning_rate</c> of SGD, in (0, 10]; default 0.01.</summary>
    public double LearningRate { get; init; } = 0.01;

    /// <summary><c>l2_regularization</c>, in [0, 10]; default 1e-6.</summary>
    public double L2Regularization { get; init; } = 1e-6;

    /// <summary><c>iterations_per_epoch</c>: passes over the training rows per epoch, in [1, 100]; default 1.</summary>
    public int IterationsPerEpoch { get; init; } = 1;

    /// <summary>Reads and validates the hyperparameters.</summary>
    /// <exception cref="ArgumentException">A parameter is unknown, has the wrong type or is out of range; the message names it.</exception>
    public static MlNetBreastCancerHyperparameters FromParameters(TrialParameters parameters)
    {
        var read = new HyperparameterReader(parameters, MlNetBreastCancerWorkload.TypeName, Known);
        var defaults = new MlNetBreastCancerHyperparameters();
        return new MlNetBreastCancerHyperparameters
        {
            LearningRate = read.Double("learning_rate", defaults.LearningRate, 0, 10, minExclusive: true),
            L2Regularization = read.Double("l2_regularization", defaults.L2Regularization, 0, 10),
            IterationsPerEpoch = read.Int32("iterations_per_epoch", defaults.IterationsPerEpoch, 1, 100),
        };
    }
}
