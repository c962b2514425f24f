using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hpo.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class UnfinishedTrialsIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_trials_unfinished",
                table: "trials",
                column: "experiment_id",
                filter: "status IN ('Pending', 'Running')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_trials_unfinished",
                table: "trials");
        }
    }
}
