using System.CommandLine;
using System.Text.Json;
using Spectre.Console;

namespace Hpo.Cli.Doctor;

/// <summary><c>hpo doctor</c>: checks that this machine can run Hpo.</summary>
public static class DoctorCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var db = new Option<string?>("--db") { Description = "Also check this database: a PostgreSQL connection string or URI, or a SQLite file path." };
        var json = new Option<bool>("--json") { Description = "Print the checks as JSON." };
        var command = new Command("doctor", "Check the environment: .NET, TorchSharp (with the libstdc++ fix status), ONNX Runtime, the default LC-PFN model and, with --db, the database. Exits 1 when a required part fails.")
        {
            db,
            json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var checks = await DoctorChecks.RunAsync(parse.GetValue(db), cancellationToken);
            bool failed = checks.Any(c => c.Required && c.Status == DoctorStatus.Fail);
            if (parse.GetValue(json))
            {
                var payload = new
                {
                    ok = !failed,
                    checks = checks.Select(c => new { name = c.Name, status = c.Status.ToString().ToLowerInvariant(), detail = c.Detail, required = c.Required }),
                };
                Console.Out.WriteLine(JsonSerializer.Serialize(payload, new JsonSerializerOptions { WriteIndented = true }));
            }
            else
            {
                var table = new Table().AddColumn("check").AddColumn("status").AddColumn("detail");
                foreach (var c in checks)
                {
                    string status = c.Status switch
                    {
                        DoctorStatus.Ok => "[green]ok[/]",
                        DoctorStatus.Warn => "[yellow]warn[/]",
                        _ => c.Required ? "[red]FAIL[/]" : "[yellow]fail (optional)[/]",
                    };
                    table.AddRow(Markup.Escape(c.Name), status, Markup.Escape(c.Detail));
                }

                AnsiConsole.Write(table);
                AnsiConsole.MarkupLine(failed ? "[red]Some required checks failed.[/]" : "[green]All required checks passed.[/]");
            }

            return failed ? 1 : 0;
        });
        return command;
    }
}
