using Hpo.Workloads.Datasets;
using Hpo.Workloads.MlNet;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Hpo.Workloads.Tests.MlNet;

public sealed class MlNetDataTests
{
    private static readonly DatasetSplit Split = DatasetSplit.Stratified(BuiltInDatasets.LoadDigits(), 0.2, seed: 1);

    [Fact]
    public void ToMulticlass_EveryClass_IsKeyClassPlusOneInBothSets()
    {
        var (train, validation) = MlNetData.ToMulticlass(new MLContext(1), Split.Train, Split.Validation);

        Assert.Equal(10UL, Assert.IsType<KeyDataViewType>(validation.Schema[MlNetData.LabelColumn].Type).Count);
        Assert.Equal(Split.Train.Labels.ToArray().Select(l => (uint)l + 1), train.GetColumn<uint>(MlNetData.LabelColumn));
        Assert.Equal(Split.Validation.Labels.ToArray().Select(l => (uint)l + 1), validation.GetColumn<uint>(MlNetData.LabelColumn));
    }

    [Fact]
    public void Accuracy_LbfgsModel_CountsEveryRowLikeTheEvaluatorWhenNoLabelIsMissing()
    {
        var context = new MLContext(1);
        var (train, validation) = MlNetData.ToMulticlass(context, Split.Train, Split.Validation);
        var predictions = context.MulticlassClassification.Trainers.LbfgsMaximumEntropy().Fit(train).Transform(validation);

        double accuracy = MlNetData.Accuracy<uint>(predictions);

        Assert.Equal(context.MulticlassClassification.Evaluate(predictions).MicroAccuracy, accuracy, 12);
        Assert.True(accuracy > 0.9, $"accuracy {accuracy:F3}");
    }

    [Fact]
    public void ToBinary_BreastCancer_LabelIsTrueForBenign()
    {
        var data = BuiltInDatasets.LoadBreastCancer();

        var view = MlNetData.ToBinary(new MLContext(1), data);

        Assert.Equal(data.Labels.ToArray().Select(l => l == 1), view.GetColumn<bool>(MlNetData.LabelColumn));
    }

    [Fact]
    public void ToBinary_TenClasses_ThrowsNamingTheDataset()
    {
        var ex = Assert.Throws<ArgumentException>(() => MlNetData.ToBinary(new MLContext(1), Split.Train));

        Assert.Contains("Dataset 'digits' has 10 classes", ex.Message, StringComparison.Ordinal);
    }
}
