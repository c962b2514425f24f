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

    /// <summary>
    /// A nullable number typed as one when null: an untyped null reaches PostgreSQL with another parameter type than the
    /// number, so the same statement is a different prepared statement whose plan is made afresh at every call (seen on the
    /// decisions of stopped trials, whose predictions are null: a plan per insert).
    /// </summary>
    public static DbCommand WithReal(this DbCommand command, string name, double? value) => Typed(command, name, value, System.Data.DbType.Double);

    /// <summary>A nullable text typed as text when null, for the same reason as <see cref="WithReal"/>.</summary>
    public static DbCommand WithText(this DbCommand command, string name, string? value) => Typed(command, name, value, System.Data.DbType.String);

    private static DbCommand Typed(DbCommand command, string name, object? value, System.Data.DbType type)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return command;
    }

    public static double? GetDoubleOrNull(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDouble(ordinal);

    public static string? GetStringOrNull(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
