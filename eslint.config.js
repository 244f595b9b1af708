import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "drizzle/**", "coverage/**", "test-output/**"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-properties": ["error", { object: "process", property: "env", message: "Read the environment only in src/config.ts and src/main.ts." }],
    },
  },
  {
    files: ["src/config.ts", "src/main.ts", "src/migrate.ts", "src/instrumentation.ts", "src/cli/**", "test/**", "bench/**", "examples/**", "drizzle.config.ts", "vitest.config.ts"],
    rules: { "no-restricted-properties": "off" },
  },
  {
    // Tests read arbitrary JSON answers.
    files: ["test/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    files: ["src/analysis/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: ["hono", "hono/*", "@hono/*", "drizzle-orm", "drizzle-orm/*", "postgres", "@electric-sql/*", "../db/*", "../sources/*", "../http/*", "../evaluation/*"] }],
      "no-restricted-globals": ["error", { name: "fetch", message: "analysis/ is pure: no I/O." }],
      "no-restricted-syntax": ["error", { selector: "MemberExpression[object.name='Date'][property.name='now']", message: "analysis/ takes `now` as an argument." }, { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: "analysis/ takes `now` as an argument." }],
    },
  },
);
