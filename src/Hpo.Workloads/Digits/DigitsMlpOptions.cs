using Hpo.Workloads.Datasets;

namespace Hpo.Workloads.Digits;

/// <summary>Settings of <see cref="DigitsMlpWorkload"/> that are not hyperparameters.</summary>
public sealed class DigitsMlpOptions
{
    /// <summary>The dataset file and its train/validation split (default: the shipped digits, 80/20, fixed seed).</summary>
    public DatasetSplitOptions Data { get; init; } = new();

    /// <summary>
    /// libtorch intra-op threads each run uses, in [1, 64]; default 1. The setting is process-wide in
    /// libtorch, and a run applies it on the thread that trains each epoch. One thread lets N concurrent
    /// trials use N cores instead of oversubscribing them; this network's matrices are too small to gain from more.
    /// </summary>
    public int TorchThreads { get; init; } = 1;

    /// <summary>Throws when an option is out of range.</summary>
    /// <exception cref="ArgumentException">The message names the option.</exception>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Data, nameof(Data));
        Data.Validate();
        if (TorchThreads is < 1 or > 64)
        {
            throw new ArgumentException($"{nameof(TorchThreads)} must be in [1, 64]; it is {TorchThreads}.");
        }
    }
}
