namespace Hpo.Scheduler.Prediction;

/// <summary>A one-dimensional predictive distribution of a curve's value at one epoch (model space).</summary>
public interface IPredictiveDistribution
{
    /// <summary>The expected value.</summary>
    double Mean { get; }

    /// <summary>The value below which a fraction <paramref name="q"/> of the mass lies (inverse CDF), 0 &lt; q &lt; 1.</summary>
    double Quantile(double q);

    /// <summary>P(Y ≤ <paramref name="y"/>).</summary>
    double Cdf(double y);

    /// <summary>P(Y &gt; <paramref name="threshold"/>) = 1 − CDF(threshold).</summary>
    double ProbabilityAbove(double threshold);

    /// <summary>The natural log of the density at <paramref name="y"/> (finite everywhere thanks to the tails).</summary>
    double LogDensity(double y);
}
