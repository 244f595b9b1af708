import { defineConfig } from "vitest/config";

// Tests that touch the database run twice: on a real PostgreSQL and on embedded PGlite.
const DATABASE_TESTS = ["test/db/**/*.test.ts", "test/http/**/*.test.ts", "test/evaluation/**/*.test.ts", "test/e2e/**/*.test.ts"];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Most files wait on processes (PostgreSQL, Prometheus, the service, Chromium): two workers on two cores
    // take the suite from about 650 s to about 425 s (vitest's default is cores - 1, one worker here).
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["test/**/*.test.ts"], exclude: DATABASE_TESTS },
      },
      {
        extends: true,
        test: {
          name: "postgres",
          include: DATABASE_TESTS,
          globalSetup: ["test/helpers/postgres-setup.ts"],
          env: { TEST_DATABASE: "postgres" },
        },
      },
      {
        extends: true,
        test: { name: "pglite", include: DATABASE_TESTS, env: { TEST_DATABASE: "pglite" } },
      },
    ],
  },
});
