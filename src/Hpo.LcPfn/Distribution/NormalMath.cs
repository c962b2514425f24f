namespace Hpo.LcPfn.Distribution;

/// <summary>Standard-normal CDF and quantile in double precision (.NET has no erf/erfc).</summary>
internal static class NormalMath
{
    /// <summary>Φ⁻¹(0.75): a half-normal with scale s has half its mass below s·<see cref="HalfNormalMedianFactor"/>.</summary>
    public const double HalfNormalMedianFactor = 0.67448975019608171;

    /// <summary>The mean of a half-normal with scale 1, √(2/π).</summary>
    public const double HalfNormalMeanFactor = 0.79788456080286536;

    private const double LogSqrt2Pi = 0.91893853320467274;

    /// <summary>Φ(x), accurate to about 1e-15 (Hart 1968, double-precision form of West 2005).</summary>
    public static double Cdf(double x)
    {
        if (double.IsNaN(x))
        {
            return double.NaN;
        }

        double ax = Math.Abs(x);
        double lower;
        if (ax > 37)
        {
            lower = 0;
        }
        else
        {
            double e = Math.Exp(-ax * ax / 2);
            if (ax < 7.07106781186547)
            {
                double n = 3.52624965998911E-02 * ax + 0.700383064443688;
                n = n * ax + 6.37396220353165;
                n = n * ax + 33.912866078383;
                n = n * ax + 112.079291497871;
                n = n * ax + 221.213596169931;
                n = n * ax + 220.206867912376;
                double d = 8.83883476483184E-02 * ax + 1.75566716318264;
                d = d * ax + 16.064177579207;
                d = d * ax + 86.7807322029461;
                d = d * ax + 296.564248779674;
                d = d * ax + 637.333633378831;
                d = d * ax + 793.826512519948;
                d = d * ax + 440.413735824752;
                lower = e * n / d;
            }
            else
            {
                double b = ax + 0.65;
                b = ax + 4 / b;
                b = ax + 3 / b;
                b = ax + 2 / b;
                b = ax + 1 / b;
                lower = e / b / 2.506628274631;
            }
        }

        return x > 0 ? 1 - lower : lower;
    }

    /// <summary>1 − Φ(x) without cancellation for large x.</summary>
    public static double UpperTail(double x) => Cdf(-x);

    /// <summary>ln φ(x), the standard normal log-density.</summary>
    public static double LogPdf(double x) => -0.5 * x * x - LogSqrt2Pi;

    /// <summary>Φ⁻¹(p) for 0 &lt; p &lt; 1 (Wichura 1988, AS241, about 1e-16 relative accuracy).</summary>
    public static double Quantile(double p)
    {
        if (double.IsNaN(p) || p <= 0 || p >= 1)
        {
            return p == 0 ? double.NegativeInfinity : p == 1 ? double.PositiveInfinity : double.NaN;
        }

        double q = p - 0.5;
        if (Math.Abs(q) <= 0.425)
        {
            double r = 0.180625 - q * q;
            double num = (((((((2.5090809287301226727e+3 * r + 3.3430575583588128105e+4) * r + 6.7265770927008700853e+4) * r
                + 4.5921953931549871457e+4) * r + 1.3731693765509461125e+4) * r + 1.9715909503065514427e+3) * r
                + 1.3314166789178437745e+2) * r + 3.3871328727963666080e+0) * q;
            double den = ((((((5.2264952788528545610e+3 * r + 2.8729085735721942674e+4) * r + 3.9307895800092710610e+4) * r
                + 2.1213794301586595867e+4) * r + 5.3941960214247511077e+3) * r + 6.8718700749205790830e+2) * r
                + 4.2313330701600911252e+1) * r + 1.0;
            return num / den;
        }

        double rr = Math.Sqrt(-Math.Log(q <= 0 ? p : 1.0 - p));
        double x;
        if (rr <= 5.0)
        {
            rr -= 1.6;
            double num = ((((((7.74545014278341407640e-4 * rr + 2.27238449892691845833e-2) * rr + 2.41780725177450611770e-1) * rr
                + 1.27045825245236838258e+0) * rr + 3.64784832476320460504e+0) * rr + 5.76949722146069140550e+0) * rr
                + 4.63033784615654529590e+0) * rr + 1.42343711074968357734e+0;
            double den = ((((((1.05075007164441684324e-9 * rr + 5.47593808499534494600e-4) * rr + 1.51986665636164571966e-2) * rr
                + 1.48103976427480074590e-1) * rr + 6.89767334985100004550e-1) * rr + 1.67638483018380384940e+0) * rr
                + 2.05319162663775882187e+0) * rr + 1.0;
            x = num / den;
        }
        else
        {
            rr -= 5.0;
            double num = ((((((2.01033439929228813265e-7 * rr + 2.71155556874348757815e-5) * rr + 1.24266094738807843860e-3) * rr
                + 2.65321895265761230930e-2) * rr + 2.96560571828504891230e-1) * rr + 1.78482653991729133580e+0) * rr
                + 5.46378491116411436990e+0) * rr + 6.65790464350110377720e+0;
            double den = ((((((2.04426310338993978564e-15 * rr + 1.42151175831644588870e-7) * rr + 1.84631831751005468180e-5) * rr
                + 7.86869131145613259100e-4) * rr + 1.48753612908506148525e-2) * rr + 1.36929880922735805310e-1) * rr
                + 5.99832206555887937690e-1) * rr + 1.0;
            x = num / den;
        }

        return q < 0 ? -x : x;
    }
}
