using System.CommandLine;
using System.CommandLine.Help;

namespace Hpo.Cli;

/// <summary>Builds verb groups such as <c>hpo db</c> or <c>hpo lcpfn</c>.</summary>
internal static class CommandGroup
{
    /// <summary>
    /// A group of <paramref name="subcommands"/>. Invoked alone it is a question: it answers with its help and
    /// exits 1, so scripts notice the missing subcommand.
    /// </summary>
    public static Command Create(string name, string description, params IEnumerable<Command> subcommands)
    {
        var group = new Command(name, description);
        foreach (var subcommand in subcommands)
        {
            group.Subcommands.Add(subcommand);
        }

        group.SetAction(parse =>
        {
            new HelpAction().Invoke(parse);
            return 1;
        });
        return group;
    }
}
