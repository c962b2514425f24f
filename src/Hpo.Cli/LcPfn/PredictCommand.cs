using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Hpo.LcPfn.Inference;
using Hpo.Scheduler.Prediction;
using Hpo.LcPfn.Runtime;
using Spectre.Console;

namespace Hpo.Cli.LcPfn;

/// <summary><c>hpo lcpfn predict</c>: a quick look at one curve's predicted continuation.</summary>
public static class PredictCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var model = ModelOption.Create();
        var curve = new Option<string>("--curve") { Description = "Observed values at epochs 1, 2, …, comma-separated, in model space ([0, 1], higher is better), e.g. \"0.41,0.55,0.61,0.64\".", Required = true };
        var at = new Option<string>("--at") { Description = "Epoch(s) to predict, comma-separated (1..the model's max epochs, 100 for the standard prior).", Required = true };
        var threshold = new Option<double?>("--threshold") { Description = "Also report P(y > threshold) at each epoch (the early-stopping statistic)." };
        var json = new Option<bool>("--json") { Description = "Print the prediction as JSON." };
        var command = new Command("predict", "Predict the distribution of a partial learning curve's value at later epochs: mean, median, 5/25/75/95% quantiles and, with --threshold, P(y > threshold).")
        {
            model, curve, at, threshold, json,
        };

        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse, io =>
        {
            double[] observed = NumberLists.ParseDoubles(parse.GetValue(curve), "--curve");
            int[] epochs = NumberLists.ParseInts(parse.GetValue(at), "--at");
            double? t = parse.GetValue(threshold);
            if (t is { } tv && !double.IsFinite(tv))
            {
                throw new ArgumentException($"--threshold must be a finite number; got {tv}.");
            }

            string path = ModelOption.Resolve(parse.GetValue(model));
            TorchRuntime.SetThreads(Math.Min(2, Environment.ProcessorCount));
            using var predictor = LcPfnPredictor.Load(path);
            var prediction = predictor.Predict([new CurveQuery(observed, epochs)], cancellationToken)[0];
            double[] levels = [0.05, 0.25, 0.5, 0.75, 0.95];

            if (parse.GetValue(json))
            {
                var payload = new
                {
                    model = Path.GetFullPath(path),
                    observed,
                    predictions = prediction.Epochs.Select((e, i) => new
                    {
                        epoch = e,
                        mean = prediction.AtEpoch[i].Mean,
                        median = prediction.AtEpoch[i].Quantile(0.5),
                        quantiles = levels.ToDictionary(q => q.ToString("0.00", CultureInfo.InvariantCulture), q => prediction.AtEpoch[i].Quantile(q)),
                        probabilityAbove = t is null ? (double?)null : prediction.AtEpoch[i].ProbabilityAbove(t.Value),
                    }),
                    threshold = t,
                };
                io.Out.WriteLine(JsonSerializer.Serialize(payload, new JsonSerializerOptions { WriteIndented = true }));
            }
            else
            {
                var table = new Table().AddColumn("epoch").AddColumn(new TableColumn("mean").RightAligned()).AddColumn(new TableColumn("median").RightAligned())
                    .AddColumn(new TableColumn("5%").RightAligned()).AddColumn(new TableColumn("25%").RightAligned())
                    .AddColumn(new TableColumn("75%").RightAligned()).AddColumn(new TableColumn("95%").RightAligned());
                if (t is not null)
                {
                    table.AddColumn(new TableColumn(Markup.Escape($"P(y > {t.Value.ToString(CultureInfo.InvariantCulture)})")).RightAligned());
                }

                for (int i = 0; i < prediction.Epochs.Count; i++)
                {
                    var d = prediction.AtEpoch[i];
                    var cells = new List<string> { prediction.Epochs[i].ToString(CultureInfo.InvariantCulture), F(d.Mean) };
                    cells.AddRange(new[] { 0.5, 0.05, 0.25, 0.75, 0.95 }.Select(q => F(d.Quantile(q))));
                    if (t is not null)
                    {
                        cells.Add(F(d.ProbabilityAbove(t.Value)));
                    }

                    table.AddRow(cells.ToArray());
                }

                io.Ansi.MarkupLine(Markup.Escape($"{observed.Length} observed epochs (last {F(observed[^1])}); model {Path.GetFullPath(path)}"));
                io.Ansi.Write(table);
            }

            return Task.FromResult(0);
        }));
        return command;
    }

    private static string F(double v) => v.ToString("F4", CultureInfo.InvariantCulture);
}
