using System.Data.Common;

namespace Hpo.Storage.Stores;

/// <summary>Parameter binding shared by the store's statements.</summary>
internal static class DbCommandExtensions
{
    public static DbCommand With(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value switch
        {
            null => DBNull.Value,
            Enum e => e.ToString(),
            _ => value,
        };
        command.Parameters.Add(parameter);
        return command;
    }

    public static double? GetDoubleOrNull(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDouble(ordinal);

    public static string? GetStringOrNull(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
