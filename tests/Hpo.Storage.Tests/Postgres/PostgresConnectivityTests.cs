using Hpo.Testing;
using Npgsql;

namespace Hpo.Storage.Tests.Postgres;

public sealed class PostgresConnectivityTests
{
    [PostgresFact]
    public async Task TestDatabase_CreateSchemaAndRoundTripRow_ReadsBackWhatWasWritten()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();

        await using (var create = new NpgsqlCommand("CREATE SCHEMA probe; CREATE TABLE probe.item (id int PRIMARY KEY, value double precision NOT NULL, note jsonb)", connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using (var insert = new NpgsqlCommand("INSERT INTO probe.item VALUES (@id, @value, @note::jsonb)", connection))
        {
            insert.Parameters.AddWithValue("id", 7);
            insert.Parameters.AddWithValue("value", 0.8125);
            insert.Parameters.AddWithValue("note", """{"lr": 0.01}""");
            Assert.Equal(1, await insert.ExecuteNonQueryAsync());
        }

        await using var select = new NpgsqlCommand("SELECT value, note->>'lr', current_setting('application_name') FROM probe.item WHERE id = 7", connection);
        await using var reader = await select.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(0.8125, reader.GetDouble(0));
        Assert.Equal("0.01", reader.GetString(1));
        Assert.Equal("hpo-tests", reader.GetString(2));
    }
}
