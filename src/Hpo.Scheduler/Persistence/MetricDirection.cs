namespace Hpo.Scheduler.Persistence;

/// <summary>Whether larger or smaller values of an experiment's metric are better.</summary>
public enum MetricDirection
{
    /// <summary>Larger is better (accuracy, AUC).</summary>
    Maximize,

    /// <summary>Smaller is better (loss, error).</summary>
    Minimize,
}
