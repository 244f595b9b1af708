import { InvalidArgumentError, Option, type Command } from "commander";
import { parseDuration } from "../analysis/duration.js";

export const DEFAULT_URL = "http://127.0.0.1:8080";

export interface ServerOptions {
  url: string;
  token?: string;
}

export interface IdentityOptions {
  gate?: string;
  service?: string;
  env?: string;
  version?: string;
  baselineVersion?: string;
  startedAt?: string;
  label?: Record<string, string>;
}

/** --url and --token, from the flags or CANARY_GATE_URL / CANARY_GATE_TOKEN. */
export function withServerOptions(command: Command): Command {
  return command
    .addOption(new Option("--url <url>", "Canary Gate's base URL").env("CANARY_GATE_URL").default(DEFAULT_URL).argParser(parseUrl))
    .addOption(new Option("--token <token>", "sent as Authorization: Bearer").env("CANARY_GATE_TOKEN"));
}

/** What a pipeline knows about its rollout: gate, service, environment and version (and optional extras). */
export function withIdentityOptions(command: Command, required: boolean): Command {
  const option = (flags: string, description: string) => (required ? command.requiredOption(flags, description) : command.option(flags, description));
  option("--gate <gate>", "the gate to analyse with");
  option("--service <service>", "the service being deployed");
  option("--env <environment>", "the environment it is deployed to");
  option("--version <version>", "the new version");
  return command
    .option("--baseline-version <version>", "the version to compare with (default: the same version before the rollout)")
    .option("--started-at <time>", "when the new version started taking traffic (ISO 8601; default: now)")
    .option("--label <name=value>", "a label for the gate's queries; repeatable", collectLabel);
}

/** The rollout identity as the API takes it (the gate goes in the path or body by the caller). */
export function identityBody(options: IdentityOptions): Record<string, unknown> {
  return {
    service: options.service,
    environment: options.env,
    version: options.version,
    ...(options.baselineVersion ? { baselineVersion: options.baselineVersion } : {}),
    ...(options.startedAt ? { startedAt: options.startedAt } : {}),
    ...(options.label ? { labels: options.label } : {}),
  };
}

export function parseDurationOption(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms <= 0) throw new InvalidArgumentError(`"${value}" is not a duration such as 30s, 10m or 1h`);
  return ms;
}

function parseUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("not http");
  } catch {
    throw new InvalidArgumentError(`"${value}" is not an http(s) URL`);
  }
  return value.replace(/\/+$/, "");
}

function collectLabel(value: string, previous: Record<string, string> | undefined): Record<string, string> {
  const at = value.indexOf("=");
  if (at <= 0) throw new InvalidArgumentError(`"${value}" is not name=value`);
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}
