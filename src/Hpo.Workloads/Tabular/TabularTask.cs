namespace Hpo.Workloads.Tabular;

/// <summary>What a tabular workload predicts.</summary>
public enum TabularTask
{
    /// <summary>Two classes.</summary>
    Binary,

    /// <summary>Three or more classes.</summary>
    Multiclass,

    /// <summary>A number.</summary>
    Regression,
}
