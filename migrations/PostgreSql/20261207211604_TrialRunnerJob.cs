using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hpo.Storage.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class TrialRunnerJob : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "runner_job",
                table: "trials",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "runner_job",
                table: "trials");
        }
    }
}
