using Hpo.LcPfn.Evaluation;

namespace Hpo.LcPfn.Tests.Evaluation;

[Collection(TorchCollection.Name)]
public sealed class LcPfnEvaluatorTests
{
    [Fact]
    public void Evaluate_TinyModel_ReportsEveryCutoffWithSaneMetrics()
    {
        using var model = TinyModels.RandomModel();
        var options = new LcPfnEvaluationOptions { Curves = 30, Cutoffs = [2, 10, 19], BatchSize = 7, Seed = 4 };
        var progress = new List<EvaluationProgress>();

        var results = LcPfnEvaluator.Evaluate(model, options, new Collector(progress));

        Assert.Equal(new[] { 2, 10, 19 }, results.Select(r => r.Cutoff));
        Assert.All(results, r =>
        {
            Assert.True(double.IsFinite(r.LogLikelihood));
            Assert.InRange(r.Coverage90, 0, 1);
            Assert.True(r.MedianMse >= 0);
            Assert.True(r.MillisecondsPerCurve > 0);
            Assert.Equal(30, r.Curves);
        });
        Assert.Equal(90, progress[^1].Done);
        Assert.Equal(90, progress[^1].Total);
    }

    [Fact]
    public void Evaluate_SameSeed_IsDeterministic()
    {
        using var model = TinyModels.RandomModel();
        var options = new LcPfnEvaluationOptions { Curves = 12, Cutoffs = [5], Seed = 9 };

        var a = LcPfnEvaluator.Evaluate(model, options)[0];
        var b = LcPfnEvaluator.Evaluate(model, options)[0];

        Assert.Equal(a.LogLikelihood, b.LogLikelihood, 12);
        Assert.Equal(a.MedianMse, b.MedianMse, 12);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(20)]
    public void Evaluate_CutoffOutOfRange_ThrowsNamingIt(int cutoff)
    {
        using var model = TinyModels.RandomModel();
        var ex = Assert.Throws<ArgumentException>(() => LcPfnEvaluator.Evaluate(model, new LcPfnEvaluationOptions { Curves = 2, Cutoffs = [cutoff] }));
        Assert.Contains($"Cut-off {cutoff}", ex.Message, StringComparison.Ordinal);
    }

    private sealed class Collector(List<EvaluationProgress> sink) : IProgress<EvaluationProgress>
    {
        public void Report(EvaluationProgress value) => sink.Add(value);
    }
}
