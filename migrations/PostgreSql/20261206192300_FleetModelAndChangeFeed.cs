using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hpo.Storage.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class FleetModelAndChangeFeed : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "tx",
                table: "observations",
                type: "bigint",
                nullable: false,
                defaultValueSql: "CAST(CAST(pg_current_xact_id() AS text) AS bigint)");

            migrationBuilder.AddColumn<string>(
                name: "model_sha256",
                table: "experiments",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "model_sha256",
                table: "decisions",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_observations_tx",
                table: "observations",
                column: "tx");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_observations_tx",
                table: "observations");

            migrationBuilder.DropColumn(
                name: "tx",
                table: "observations");

            migrationBuilder.DropColumn(
                name: "model_sha256",
                table: "experiments");

            migrationBuilder.DropColumn(
                name: "model_sha256",
                table: "decisions");
        }
    }
}
