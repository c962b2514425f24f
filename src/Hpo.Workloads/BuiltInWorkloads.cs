namespace Hpo.Workloads;

/// <summary>The workloads the <c>hpo</c> command knows by type name.</summary>
public static class BuiltInWorkloads
{
    /// <summary>A registry of the built-in workloads: <c>digits-mlp</c>, <c>mlnet-digits</c>, <c>mlnet-breast-cancer</c>, <c>lcbench</c>, <c>tabular-mlnet</c>, <c>tabular-mlp</c>.</summary>
    public static WorkloadRegistry CreateRegistry() => new WorkloadRegistry()
        .Register(Digits.DigitsMlpWorkload.TypeName, Digits.DigitsMlpWorkload.FromSettings, Digits.DigitsMlpWorkload.DefaultSearchSpaceJson)
        .Register(MlNet.MlNetDigitsWorkload.TypeName, MlNet.MlNetDigitsWorkload.FromSettings, MlNet.MlNetDigitsWorkload.DefaultSearchSpaceJson)
        .Register(MlNet.MlNetBreastCancerWorkload.TypeName, MlNet.MlNetBreastCancerWorkload.FromSettings, MlNet.MlNetBreastCancerWorkload.DefaultSearchSpaceJson)
        .Register(LcBench.LcBenchWorkload.TypeName, LcBench.LcBenchWorkload.FromSettings)
        .Register(Tabular.TabularMlNetWorkload.TypeName, Tabular.TabularMlNetWorkload.FromSettings, Tabular.TabularMlNetWorkload.DefaultSearchSpaceJson)
        .Register(Tabular.TabularMlpWorkload.TypeName, Tabular.TabularMlpWorkload.FromSettings, Tabular.TabularMlpWorkload.DefaultSearchSpaceJson);
}
