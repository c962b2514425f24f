using Hpo.Scheduler.SearchSpaces;

namespace Hpo.Workloads.Digits;

/// <summary>
/// The hyperparameters of <see cref="DigitsMlpWorkload"/>, read from a configuration. A parameter the
/// configuration lacks takes the default shown; an unknown or out-of-range one is an error.
/// </summary>
public sealed class DigitsMlpHyperparameters
{
    /// <summary>Optimizer choice: AdamW (decoupled weight decay).</summary>
    public const string AdamW = "adamw";

    /// <summary>Optimizer choice: SGD with momentum (weight decay as L2).</summary>
    public const string Sgd = "sgd";

    /// <summary>Activation choice: ReLU.</summary>
    public const string Relu = "relu";

    /// <summary>Activation choice: tanh.</summary>
    public const string Tanh = "tanh";

    private static readonly string[] Known = ["learning_rate", "batch_size", "width", "depth", "dropout", "weight_decay", "optimizer", "momentum", "activation"];

    /// <summary><c>learning_rate</c>, in (0, 10]; default 1e-3.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary><c>batch_size</c>, in [1, 4096]; default 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary><c>width</c>: units per hidden layer, in [1, 4096]; default 128.</summary>
    public int Width { get; init; } = 128;

    /// <summary><c>depth</c>: hidden layers, in [0, 8] (0 is softmax regression); default 1.</summary>
    public int Depth { get; init; } = 1;

    /// <summary><c>dropout</c> after each hidden layer, in [0, 0.95]; default 0.</summary>
    public double Dropout { get; init; }

    /// <summary><c>weight_decay</c>, in [0, 1]; default 1e-4.</summary>
    public double WeightDecay { get; init; } = 1e-4;

    /// <summary><c>optimizer</c>: <see cref="AdamW"/> (default) or <see cref="Sgd"/>.</summary>
    public string Optimizer { get; init; } = AdamW;

    /// <summary><c>momentum</c> of <see cref="Sgd"/>, in [0, 0.999]; default 0.9.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary><c>activation</c> of the hidden layers: <see cref="Relu"/> (default) or <see cref="Tanh"/>.</summary>
    public string Activation { get; init; } = Relu;

    /// <summary>Reads and validates the hyperparameters.</summary>
    /// <exception cref="ArgumentException">A parameter is unknown, has the wrong type or is out of range; the message names it.</exception>
    public static DigitsMlpHyperparameters FromParameters(TrialParameters parameters)
    {
        var read = new HyperparameterReader(parameters, DigitsMlpWorkload.TypeName, Known);
        var defaults = new DigitsMlpHyperparameters();
        return new DigitsMlpHyperparameters
        {
            LearningRate = read.Double("learning_rate", defaults.LearningRate, 0, 10, minExclusive: true),
            BatchSize = read.Int32("batch_size", defaults.BatchSize, 1, 4096),
            Width = read.Int32("width", defaults.Width, 1, 4096),
            Depth = read.Int32("depth", defaults.Depth, 0, 8),
            Dropout = read.Double("dropout", defaults.Dropout, 0, 0.95),
            WeightDecay = read.Double("weight_decay", defaults.WeightDecay, 0, 1),
            Optimizer = read.Choice("optimizer", defaults.Optimizer, [AdamW, Sgd]),
            Momentum = read.Double("momentum", defaults.Momentum, 0, 0.999),
            Activation = read.Choice("activation", defaults.Activation, [Relu, Tanh]),
        };
    }
}
