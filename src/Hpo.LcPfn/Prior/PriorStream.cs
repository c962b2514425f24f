namespace Hpo.LcPfn.Prior;

/// <summary>
/// Independent random streams under one seed, so that e.g. the bucket-border curves, the training
/// curves and the evaluation curves of the same seed never coincide.
/// </summary>
public enum PriorStream : ulong
{
    /// <summary>Curves of training batches (index = global curve number).</summary>
    Training = 1,

    /// <summary>The per-step cut-off of a training batch (index = step).</summary>
    TrainingCutoff = 2,

    /// <summary>Curves whose values define the bucket borders.</summary>
    Borders = 3,

    /// <summary>Held-out curves for evaluation.</summary>
    Evaluation = 4,

    /// <summary>Dropout seeds of training steps (index = step).</summary>
    Dropout = 5,
}
