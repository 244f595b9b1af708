/** What a query template may refer to: the rollout's identity and labels. */
export interface TemplateContext {
  service: string;
  environment: string;
  version: string;
  baselineVersion: string;
  labels: Record<string, string>;
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const FIXED = new Set(["service", "environment", "version", "baselineVersion"]);
const LABEL = /^labels\.[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Returns why a template is malformed, or undefined when every placeholder is known. */
export function findTemplateProblem(template: string): string | undefined {
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? "";
    if (!FIXED.has(name) && !LABEL.test(name)) {
      return `unknown template variable {{${name}}}; use {{service}}, {{environment}}, {{version}}, {{baselineVersion}} or {{labels.NAME}}`;
    }
  }
  const stripped = template.replace(PLACEHOLDER, "");
  if (stripped.includes("{{") || stripped.includes("}}")) return "unbalanced {{ or }} in template";
  return undefined;
}

/** Names of the rollout labels a template needs. */
export function labelsUsedBy(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)]
    .map((match) => match[1] ?? "")
    .filter((name) => name.startsWith("labels."))
    .map((name) => name.slice("labels.".length));
}

/**
 * Fills a query template. Values are inserted as written: PromQL label values are quoted by the
 * template author (`service="{{service}}"`), and rollout fields are validated to contain no quotes.
 */
export function renderTemplate(template: string, context: TemplateContext): string {
  return template.replace(PLACEHOLDER, (_whole, rawName: string) => {
    const name = rawName.trim();
    if (name.startsWith("labels.")) return context.labels[name.slice("labels.".length)] ?? "";
    return String(context[name as keyof Omit<TemplateContext, "labels">] ?? "");
  });
}
