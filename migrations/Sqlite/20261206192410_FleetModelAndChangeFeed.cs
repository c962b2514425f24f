using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hpo.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class FleetModelAndChangeFeed : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "model_sha256",
                table: "experiments",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "model_sha256",
                table: "decisions",
                type: "TEXT",
                maxLength: 64,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "model_sha256",
                table: "experiments");

            migrationBuilder.DropColumn(
                name: "model_sha256",
                table: "decisions");
        }
    }
}
