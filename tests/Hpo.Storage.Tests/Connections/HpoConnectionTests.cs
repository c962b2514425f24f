using Hpo.Storage.Connections;
using Npgsql;

namespace Hpo.Storage.Tests.Connections;

public sealed class HpoConnectionTests
{
    [Fact]
    public void Parse_PostgresUri_MapsEveryPartAndAddsApplicationName()
    {
        var connection = HpoConnection.Parse("postgres://hpo%40ops:s%3Acret@db.example.internal:6543/hpo_prod?sslmode=require&connect_timeout=7");

        var builder = new NpgsqlConnectionStringBuilder(connection.ConnectionString);
        Assert.Equal(DatabaseProvider.PostgreSql, connection.Provider);
        Assert.Equal("db.example.internal", builder.Host);
        Assert.Equal(6543, builder.Port);
        Assert.Equal("hpo_prod", builder.Database);
        Assert.Equal("hpo@ops", builder.Username);
        Assert.Equal("s:cret", builder.Password);
        Assert.Equal(SslMode.Require, builder.SslMode);
        Assert.Equal(7, builder.Timeout);
        Assert.Equal("hpo", builder.ApplicationName);
        Assert.Equal(HpoConnection.DefaultMaxAutoPrepare, builder.MaxAutoPrepare);
        Assert.DoesNotContain("s:cret", connection.Redacted, StringComparison.Ordinal);
        Assert.Contains("***", connection.Redacted, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PostgresqlSchemeWithoutPort_UsesDefaultPort()
    {
        var builder = new NpgsqlConnectionStringBuilder(HpoConnection.Parse("postgresql://u@localhost/db").ConnectionString);

        Assert.Equal(5432, builder.Port);
        Assert.Equal("u", builder.Username);
        Assert.Null(builder.Password);
    }

    [Fact]
    public void Parse_KeyValueWithOwnSettings_KeepsThem()
    {
        var connection = HpoConnection.Parse("Host=127.0.0.1;Port=5433;Database=x;Username=postgres;Application Name=dashboard;Max Auto Prepare=0", applicationName: "hpo");

        var builder = new NpgsqlConnectionStringBuilder(connection.ConnectionString);
        Assert.Equal(DatabaseProvider.PostgreSql, connection.Provider);
        Assert.Equal("dashboard", builder.ApplicationName);
        Assert.Equal(0, builder.MaxAutoPrepare);
    }

    [Theory]
    [InlineData("hpo.db")]
    [InlineData("./runs/exp one/hpo.sqlite")]
    [InlineData("Data Source=hpo.db")]
    public void Parse_SqliteForms_AbsoluteFileWithBusyTimeoutAndForeignKeys(string value)
    {
        var connection = HpoConnection.Parse(value, sqliteBusyTimeout: TimeSpan.FromSeconds(12));

        var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connection.ConnectionString);
        Assert.Equal(DatabaseProvider.Sqlite, connection.Provider);
        Assert.True(Path.IsPathFullyQualified(connection.SqliteFile!));
        Assert.Equal(12, builder.DefaultTimeout);
        Assert.True(builder.ForeignKeys);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("postgres://", "not valid")]
    [InlineData("postgres://u@h/db?no_such_option=1", "no_such_option")]
    [InlineData("Host=h;Bogus Key=1", "Bogus Key")]
    [InlineData(":memory:", "In-memory")]
    [InlineData("Data Source=x;Mode=Memory", "In-memory")]
    public void Parse_BadValue_ArgumentExceptionNamingTheProblem(string value, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => HpoConnection.Parse(value));

        Assert.Contains(expected, error.Message, StringComparison.OrdinalIgnoreCase);
    }
}
