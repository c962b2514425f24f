namespace Hpo.LcPfn.Prior;

/// <summary>
/// One draw of the LC-PFN prior's parameters (spec §1, "peaked" variant): three basis-curve weights,
/// the basis parameters and the observation-noise scale.
/// </summary>
/// <param name="W1">Weight of pow3, U(0, 1).</param>
/// <param name="W2">Weight of ilog2, U(0, 1).</param>
/// <param name="W3">Weight of janoschek, U(0, 1).</param>
/// <param name="Pow3A">pow3 a, U(−0.6, 0.6).</param>
/// <param name="Pow3C">pow3 c, U(0, 1.25).</param>
/// <param name="Pow3Alpha">pow3 α, LogNormal(0, 2).</param>
/// <param name="Ilog2C">ilog2 c, U(0, 1).</param>
/// <param name="Ilog2A">ilog2 a, U(−0.5, 0.5).</param>
/// <param name="JanAlpha">janoschek α, U(0, 1).</param>
/// <param name="JanBeta">janoschek β, U(0, 2).</param>
/// <param name="JanKappa">janoschek κ, LogNormal(−2, 1).</param>
/// <param name="JanDelta">janoschek δ, LogNormal(0, 0.5).</param>
/// <param name="NoiseSigma">Observation noise standard deviation σ, ln σ ~ N(−4, 1).</param>
public readonly record struct PriorCurveParameters(
    double W1,
    double W2,
    double W3,
    double Pow3A,
    double Pow3C,
    double Pow3Alpha,
    double Ilog2C,
    double Ilog2A,
    double JanAlpha,
    double JanBeta,
    double JanKappa,
    double JanDelta,
    double NoiseSigma)
{
    /// <summary>The noise-free curve value at epoch <paramref name="x"/> (x ≥ 1).</summary>
    public double Evaluate(double x)
    {
        double pow3 = Pow3C - Pow3A * Math.Pow(x, -Pow3Alpha);
        double ilog2 = Ilog2C - Ilog2A / Math.Log(x + 1.0);
        double janoschek = JanAlpha - (JanAlpha - JanBeta) * Math.Exp(-JanKappa * Math.Pow(x, JanDelta));
        return W1 * pow3 + W2 * ilog2 + W3 * janoschek;
    }

    /// <summary>Draws all parameters independently from their prior distributions (before rejection).</summary>
    internal static PriorCurveParameters Draw(ref SeededRandom rng) => new(
        W1: rng.NextDouble(),
        W2: rng.NextDouble(),
        W3: rng.NextDouble(),
        Pow3A: rng.Uniform(-0.6, 0.6),
        Pow3C: rng.Uniform(0, 1.25),
        Pow3Alpha: rng.LogNormal(0, 2),
        Ilog2C: rng.Uniform(0, 1),
        Ilog2A: rng.Uniform(-0.5, 0.5),
        JanAlpha: rng.Uniform(0, 1),
        JanBeta: rng.Uniform(0, 2),
        JanKappa: rng.LogNormal(-2, 1),
        JanDelta: rng.LogNormal(0, 0.5),
        NoiseSigma: Math.Exp(rng.Normal(-4, 1)));
}
