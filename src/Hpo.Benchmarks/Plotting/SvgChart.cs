using System.Globalization;
using System.Net;
using System.Text;

namespace Hpo.Benchmarks.Plotting;

/// <summary>
/// Minimal self-contained SVG charts (line and bar) for benchmark reports: no dependency, readable in
/// any browser and on GitHub.
/// </summary>
public static class SvgChart
{
    private const int Width = 760;
    private const int Height = 460;
    private const int Left = 80;
    private const int Right = 190;
    private const int Top = 40;
    private const int Bottom = 60;

    private static readonly string[] Palette =
        ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    /// <summary>A line chart; with <paramref name="logY"/> the y axis is logarithmic (points ≤ 0 are skipped).</summary>
    public static string Line(string title, string xLabel, string yLabel, IReadOnlyList<ChartSeries> series, bool logY = false)
    {
        ArgumentNullException.ThrowIfNull(series);
        Func<double, double> fy = logY ? Math.Log10 : v => v;
        var points = series.SelectMany(s => s.X.Zip(s.Y)).Where(p => double.IsFinite(p.First) && double.IsFinite(p.Second) && (!logY || p.Second > 0)).ToArray();
        double x0 = points.Length > 0 ? points.Min(p => p.First) : 0;
        double x1 = points.Length > 0 ? points.Max(p => p.First) : 1;
        double y0 = points.Length > 0 ? points.Min(p => fy(p.Second)) : 0;
        double y1 = points.Length > 0 ? points.Max(p => fy(p.Second)) : 1;
        (x0, x1) = Widen(x0, x1);
        (y0, y1) = Widen(y0, y1);
        var svg = Begin(title, xLabel, yLabel);
        Axes(svg, x0, x1, y0, y1, logY);
        for (int i = 0; i < series.Count; i++)
        {
            var s = series[i];
            string color = Palette[i % Palette.Length];
            var path = new StringBuilder();
            for (int k = 0; k < s.X.Count && k < s.Y.Count; k++)
            {
                double x = s.X[k];
                double y = s.Y[k];
                if (!double.IsFinite(x) || !double.IsFinite(y) || (logY && y <= 0))
                {
                    continue;
                }

                path.Append(path.Length == 0 ? 'M' : 'L')
                    .Append(F(Px(x, x0, x1))).Append(',').Append(F(Py(fy(y), y0, y1))).Append(' ');
            }

            svg.Append(CultureInfo.InvariantCulture, $"<path d=\"{path}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"1.6\"/>\n");
            Legend(svg, i, s.Name, color);
        }

        return End(svg);
    }

    /// <summary>A bar chart of one value per label, with an optional dashed reference line.</summary>
    public static string Bars(string title, string yLabel, IReadOnlyList<(string Label, double Value)> bars, double? reference = null, string? referenceLabel = null)
    {
        ArgumentNullException.ThrowIfNull(bars);
        double y1 = Math.Max(bars.Where(b => double.IsFinite(b.Value)).Select(b => b.Value).DefaultIfEmpty(1).Max(), reference ?? 0) * 1.1;
        double y0 = Math.Min(0, bars.Where(b => double.IsFinite(b.Value)).Select(b => b.Value).DefaultIfEmpty(0).Min());
        (y0, y1) = Widen(y0, y1);
        var svg = Begin(title, "", yLabel);
        Axes(svg, 0, 1, y0, y1, logY: false, xTicks: false);
        double slot = (double)(Width - Left - Right) / Math.Max(1, bars.Count);
        for (int i = 0; i < bars.Count; i++)
        {
            var (label, value) = bars[i];
            double x = Left + (i * slot) + (slot * 0.15);
            double top = Py(double.IsFinite(value) ? value : 0, y0, y1);
            double zero = Py(0, y0, y1);
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{F(x)}\" y=\"{F(Math.Min(top, zero))}\" width=\"{F(slot * 0.7)}\" height=\"{F(Math.Abs(zero - top))}\" fill=\"{Palette[i % Palette.Length]}\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(x + (slot * 0.35))}\" y=\"{F(Math.Min(top, zero) - 4)}\" font-size=\"11\" text-anchor=\"middle\">{F(value)}</text>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text transform=\"translate({F(x + (slot * 0.35))},{Height - Bottom + 14}) rotate(30)\" font-size=\"11\">{Escape(label)}</text>\n");
        }

        if (reference is { } r)
        {
            double y = Py(r, y0, y1);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{F(y)}\" y2=\"{F(y)}\" stroke=\"#444\" stroke-dasharray=\"6,4\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - Right + 6}\" y=\"{F(y + 4)}\" font-size=\"11\">{Escape(referenceLabel ?? F(r))}</text>\n");
        }

        return End(svg);
    }

    private static StringBuilder Begin(string title, string xLabel, string yLabel)
    {
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"22\" font-size=\"15\" text-anchor=\"middle\">{Escape(title)}</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 12}\" font-size=\"12\" text-anchor=\"middle\">{Escape(xLabel)}</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text transform=\"translate(18,{(Top + Height - Bottom) / 2}) rotate(-90)\" font-size=\"12\" text-anchor=\"middle\">{Escape(yLabel)}</text>\n");
        return svg;
    }

    private static void Axes(StringBuilder svg, double x0, double x1, double y0, double y1, bool logY, bool xTicks = true)
    {
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{Width - Left - Right}\" height=\"{Height - Top - Bottom}\" fill=\"none\" stroke=\"#333\"/>\n");
        for (int i = 0; i <= 5; i++)
        {
            double v = y0 + ((y1 - y0) * i / 5);
            double y = Py(v, y0, y1);
            string label = logY ? F(Math.Pow(10, v)) : F(v);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{F(y)}\" y2=\"{F(y)}\" stroke=\"#ddd\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{F(y + 4)}\" font-size=\"11\" text-anchor=\"end\">{label}</text>\n");
            if (xTicks)
            {
                double xv = x0 + ((x1 - x0) * i / 5);
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(Px(xv, x0, x1))}\" y=\"{Height - Bottom + 16}\" font-size=\"11\" text-anchor=\"middle\">{F(xv)}</text>\n");
            }
        }
    }

    private static void Legend(StringBuilder svg, int index, string name, string color)
    {
        int y = Top + 10 + (index * 18);
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Width - Right + 10}\" x2=\"{Width - Right + 30}\" y1=\"{y}\" y2=\"{y}\" stroke=\"{color}\" stroke-width=\"2.5\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - Right + 36}\" y=\"{y + 4}\" font-size=\"11\">{Escape(name)}</text>\n");
    }

    private static string End(StringBuilder svg) => svg.Append("</svg>\n").ToString();

    private static (double Low, double High) Widen(double low, double high) =>
        high > low ? (low, high) : (low - (Math.Abs(low) * 0.1) - 1e-9, high + (Math.Abs(high) * 0.1) + 1e-9);

    private static double Px(double x, double x0, double x1) => Left + ((x - x0) / (x1 - x0) * (Width - Left - Right));

    private static double Py(double y, double y0, double y1) => Height - Bottom - ((y - y0) / (y1 - y0) * (Height - Top - Bottom));

    private static string F(double v) => Math.Abs(v) >= 1000 || v == Math.Round(v) ? v.ToString("0.##", CultureInfo.InvariantCulture) : v.ToString("G3", CultureInfo.InvariantCulture);

    private static string Escape(string text) => WebUtility.HtmlEncode(text);
}
