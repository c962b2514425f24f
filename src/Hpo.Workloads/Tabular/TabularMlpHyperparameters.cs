using Hpo.Scheduler.SearchSpaces;

namespace Hpo.Workloads.Tabular;

/// <summary>
/// The hyperparameters of <see cref="TabularMlpWorkload"/> (an MLP trained with AdamW), read from a
/// configuration. A parameter the configuration lacks takes the default shown; an unknown or out-of-range
/// one is an error.
/// </summary>
public sealed class TabularMlpHyperparameters
{
    private static readonly string[] Known = ["learning_rate", "batch_size", "width", "depth", "dropout", "weight_decay"];

    /// <summary><c>learning_rate</c>, in (0, 10]; default 1e-3.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary><c>batch_size</c>, in [1, 65536]; default 64.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary><c>width</c>: units per hidden layer, in [1, 4096]; default 64.</summary>
    public int Width { get; init; } = 64;

    /// <summary><c>depth</c>: hidden layers, in [0, 8] (0 is a linear model); default 2.</summary>
    public int Depth { get; init; } = 2;

    /// <summary><c>dropout</c> after each hidden layer, in [0, 0.95]; default 0.</summary>
    public double Dropout { get; init; }

    /// <summary><c>weight_decay</c> (AdamW's decoupled decay), in [0, 1]; default 1e-4.</summary>
    public double WeightDecay { get; init; } = 1e-4;

    /// <summary>Reads and validates the hyperparameters.</summary>
    /// <exception cref="ArgumentException">A parameter is unknown, has the wrong type or is out of range; the message names it.</exception>
    public static TabularMlpHyperparameters FromParameters(TrialParameters parameters)
    {
        var read = new HyperparameterReader(parameters, TabularMlpWorkload.TypeName, Known);
        var defaults = new TabularMlpHyperparameters();
        return new TabularMlpHyperparameters
        {
            LearningRate = read.Double("learning_rate", defaults.LearningRate, 0, 10, minExclusive: true),
            BatchSize = read.Int32("batch_size", defaults.BatchSize, 1, 65_536),
            Width = read.Int32("width", defaults.Width, 1, 4096),
            Depth = read.Int32("depth", defaults.Depth, 0, 8),
            Dropout = read.Double("dropout", defaults.Dropout, 0, 0.95),
            WeightDecay = read.Double("weight_decay", defaults.WeightDecay, 0, 1),
        };
    }
}
