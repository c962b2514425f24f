using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hpo.Storage.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class FreezeThawCheckpoints : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_trials_status",
                table: "trials");

            migrationBuilder.DropCheckConstraint(
                name: "ck_decisions_action",
                table: "decisions");

            migrationBuilder.CreateTable(
                name: "checkpoints",
                columns: table => new
                {
                    trial_id = table.Column<long>(type: "bigint", nullable: false),
                    epoch = table.Column<int>(type: "integer", nullable: false),
                    size_bytes = table.Column<long>(type: "bigint", nullable: false),
                    sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    data = table.Column<byte[]>(type: "bytea", nullable: true),
                    file_path = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    saved_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_checkpoints", x => x.trial_id);
                    table.CheckConstraint("ck_checkpoints_epoch", "epoch >= 1");
                    table.CheckConstraint("ck_checkpoints_location", "(data IS NULL) <> (file_path IS NULL)");
                    table.CheckConstraint("ck_checkpoints_size_bytes", "size_bytes >= 1");
                    table.ForeignKey(
                        name: "FK_checkpoints_trials_trial_id",
                        column: x => x.trial_id,
                        principalTable: "trials",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.AddCheckConstraint(
                name: "ck_trials_status",
                table: "trials",
                sql: "status IN ('Pending', 'Running', 'Completed', 'Stopped', 'Failed', 'Paused')");

            migrationBuilder.AddCheckConstraint(
                name: "ck_decisions_action",
                table: "decisions",
                sql: "action IN ('Continue', 'Stop', 'Pause')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "checkpoints");

            migrationBuilder.DropCheckConstraint(
                name: "ck_trials_status",
                table: "trials");

            migrationBuilder.DropCheckConstraint(
                name: "ck_decisions_action",
                table: "decisions");

            migrationBuilder.AddCheckConstraint(
                name: "ck_trials_status",
                table: "trials",
                sql: "status IN ('Pending', 'Running', 'Completed', 'Stopped', 'Failed')");

            migrationBuilder.AddCheckConstraint(
                name: "ck_decisions_action",
                table: "decisions",
                sql: "action IN ('Continue', 'Stop')");
        }
    }
}
