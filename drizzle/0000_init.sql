CREATE TABLE "check_results" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"evaluation_id" uuid NOT NULL,
	"rollout_id" uuid NOT NULL,
	"check_name" text NOT NULL,
	"position" integer NOT NULL,
	"result" text NOT NULL,
	"critical" boolean NOT NULL,
	"summary" text NOT NULL,
	"test" text,
	"p_value" double precision,
	"estimate" double precision,
	"lower" double precision,
	"upper" double precision,
	"relative_change" double precision,
	"details" jsonb NOT NULL,
	"evaluated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "evaluations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"rollout_id" uuid NOT NULL,
	"sequence" integer NOT NULL,
	"evaluated_at" timestamp with time zone NOT NULL,
	"verdict" text NOT NULL,
	"is_final" boolean NOT NULL,
	"reason" text NOT NULL,
	"score" double precision,
	"trigger" text NOT NULL,
	"duration_ms" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "gates" (
	"name" text NOT NULL,
	"version" integer NOT NULL,
	"definition" jsonb NOT NULL,
	"digest" text NOT NULL,
	"origin" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "gates_name_version_pk" PRIMARY KEY("name","version")
);
--> statement-breakpoint
CREATE TABLE "rollouts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"gate_name" text NOT NULL,
	"gate_version" integer NOT NULL,
	"service" text NOT NULL,
	"environment" text NOT NULL,
	"version" text NOT NULL,
	"baseline_version" text,
	"labels" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"verdict" text DEFAULT 'pending' NOT NULL,
	"is_final" boolean DEFAULT false NOT NULL,
	"reason" text NOT NULL,
	"score" double precision,
	"evaluation_count" integer DEFAULT 0 NOT NULL,
	"evaluated_at" timestamp with time zone,
	"next_evaluation_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"policy_state" jsonb NOT NULL,
	"latest_checks" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"lease_owner" text,
	"lease_until" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "check_results" ADD CONSTRAINT "check_results_evaluation_id_evaluations_id_fk" FOREIGN KEY ("evaluation_id") REFERENCES "public"."evaluations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "check_results" ADD CONSTRAINT "check_results_rollout_id_rollouts_id_fk" FOREIGN KEY ("rollout_id") REFERENCES "public"."rollouts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluations" ADD CONSTRAINT "evaluations_rollout_id_rollouts_id_fk" FOREIGN KEY ("rollout_id") REFERENCES "public"."rollouts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "check_results_evaluation_idx" ON "check_results" USING btree ("evaluation_id");--> statement-breakpoint
CREATE INDEX "check_results_rollout_idx" ON "check_results" USING btree ("rollout_id","evaluated_at");--> statement-breakpoint
CREATE UNIQUE INDEX "evaluations_rollout_sequence_idx" ON "evaluations" USING btree ("rollout_id","sequence");--> statement-breakpoint
CREATE INDEX "rollouts_due_idx" ON "rollouts" USING btree ("next_evaluation_at") WHERE NOT "rollouts"."is_final";--> statement-breakpoint
CREATE UNIQUE INDEX "rollouts_open_identity_idx" ON "rollouts" USING btree ("gate_name","service","environment","version") WHERE NOT "rollouts"."is_final";--> statement-breakpoint
CREATE INDEX "rollouts_service_idx" ON "rollouts" USING btree ("service","environment","created_at");