using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Hpo.Storage.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class InitialSchema : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "experiments",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    metric_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    direction = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    metric_lower_bound = table.Column<double>(type: "double precision", nullable: true),
                    metric_upper_bound = table.Column<double>(type: "double precision", nullable: true),
                    max_epochs = table.Column<int>(type: "integer", nullable: false),
                    search_space = table.Column<string>(type: "jsonb", nullable: false),
                    tuner = table.Column<string>(type: "jsonb", nullable: false),
                    policy = table.Column<string>(type: "jsonb", nullable: false),
                    settings = table.Column<string>(type: "jsonb", nullable: true),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    trial_count = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_experiments", x => x.id);
                    table.CheckConstraint("ck_experiments_direction", "direction IN ('Maximize', 'Minimize')");
                    table.CheckConstraint("ck_experiments_max_epochs", "max_epochs >= 1");
                    table.CheckConstraint("ck_experiments_metric_bounds", "metric_lower_bound IS NULL OR metric_upper_bound IS NULL OR metric_lower_bound < metric_upper_bound");
                    table.CheckConstraint("ck_experiments_metric_lower_bound", "metric_lower_bound IS NULL OR (metric_lower_bound > '-Infinity'::float8 AND metric_lower_bound < 'Infinity'::float8)");
                    table.CheckConstraint("ck_experiments_metric_upper_bound", "metric_upper_bound IS NULL OR (metric_upper_bound > '-Infinity'::float8 AND metric_upper_bound < 'Infinity'::float8)");
                    table.CheckConstraint("ck_experiments_status", "status IN ('Created', 'Running', 'Completed', 'Cancelled', 'Failed')");
                    table.CheckConstraint("ck_experiments_trial_count", "trial_count >= 0");
                });

            migrationBuilder.CreateTable(
                name: "workers",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    host = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_heartbeat = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_workers", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "trials",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    experiment_id = table.Column<long>(type: "bigint", nullable: false),
                    number = table.Column<int>(type: "integer", nullable: false),
                    parameters = table.Column<string>(type: "jsonb", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    attempt = table.Column<int>(type: "integer", nullable: false),
                    lease_token = table.Column<Guid>(type: "uuid", nullable: true),
                    worker_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    last_heartbeat = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_epoch = table.Column<int>(type: "integer", nullable: false),
                    best_value = table.Column<double>(type: "double precision", nullable: true),
                    last_value = table.Column<double>(type: "double precision", nullable: true),
                    stop_reason = table.Column<string>(type: "text", nullable: true),
                    error = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_trials", x => x.id);
                    table.CheckConstraint("ck_trials_attempt", "attempt >= 0");
                    table.CheckConstraint("ck_trials_best_value", "best_value IS NULL OR (best_value > '-Infinity'::float8 AND best_value < 'Infinity'::float8)");
                    table.CheckConstraint("ck_trials_last_epoch", "last_epoch >= 0");
                    table.CheckConstraint("ck_trials_last_value", "last_value IS NULL OR (last_value > '-Infinity'::float8 AND last_value < 'Infinity'::float8)");
                    table.CheckConstraint("ck_trials_number", "number >= 1");
                    table.CheckConstraint("ck_trials_status", "status IN ('Pending', 'Running', 'Completed', 'Stopped', 'Failed')");
                    table.ForeignKey(
                        name: "FK_trials_experiments_experiment_id",
                        column: x => x.experiment_id,
                        principalTable: "experiments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "decisions",
                columns: table => new
                {
                    trial_id = table.Column<long>(type: "bigint", nullable: false),
                    epoch = table.Column<int>(type: "integer", nullable: false),
                    action = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    policy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    probability_of_improvement = table.Column<double>(type: "double precision", nullable: true),
                    predicted_median = table.Column<double>(type: "double precision", nullable: true),
                    predicted_low = table.Column<double>(type: "double precision", nullable: true),
                    predicted_high = table.Column<double>(type: "double precision", nullable: true),
                    reason = table.Column<string>(type: "text", nullable: true),
                    decided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_decisions", x => new { x.trial_id, x.epoch });
                    table.CheckConstraint("ck_decisions_action", "action IN ('Continue', 'Stop')");
                    table.CheckConstraint("ck_decisions_epoch", "epoch >= 1");
                    table.CheckConstraint("ck_decisions_predicted_high", "predicted_high IS NULL OR (predicted_high > '-Infinity'::float8 AND predicted_high < 'Infinity'::float8)");
                    table.CheckConstraint("ck_decisions_predicted_low", "predicted_low IS NULL OR (predicted_low > '-Infinity'::float8 AND predicted_low < 'Infinity'::float8)");
                    table.CheckConstraint("ck_decisions_predicted_median", "predicted_median IS NULL OR (predicted_median > '-Infinity'::float8 AND predicted_median < 'Infinity'::float8)");
                    table.CheckConstraint("ck_decisions_probability_of_improvement", "probability_of_improvement IS NULL OR (probability_of_improvement >= 0 AND probability_of_improvement <= 1)");
                    table.ForeignKey(
                        name: "FK_decisions_trials_trial_id",
                        column: x => x.trial_id,
                        principalTable: "trials",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "observations",
                columns: table => new
                {
                    trial_id = table.Column<long>(type: "bigint", nullable: false),
                    epoch = table.Column<int>(type: "integer", nullable: false),
                    value = table.Column<double>(type: "double precision", nullable: false),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_observations", x => new { x.trial_id, x.epoch });
                    table.CheckConstraint("ck_observations_epoch", "epoch >= 1");
                    table.CheckConstraint("ck_observations_value", "value > '-Infinity'::float8 AND value < 'Infinity'::float8");
                    table.ForeignKey(
                        name: "FK_observations_trials_trial_id",
                        column: x => x.trial_id,
                        principalTable: "trials",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_experiments_created_at",
                table: "experiments",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "IX_experiments_name",
                table: "experiments",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_trials_experiment_id_number",
                table: "trials",
                columns: new[] { "experiment_id", "number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_trials_experiment_id_status",
                table: "trials",
                columns: new[] { "experiment_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_trials_running_heartbeat",
                table: "trials",
                column: "last_heartbeat",
                filter: "status = 'Running'");

            migrationBuilder.CreateIndex(
                name: "IX_workers_last_heartbeat",
                table: "workers",
                column: "last_heartbeat");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "decisions");

            migrationBuilder.DropTable(
                name: "observations");

            migrationBuilder.DropTable(
                name: "workers");

            migrationBuilder.DropTable(
                name: "trials");

            migrationBuilder.DropTable(
                name: "experiments");
        }
    }
}
