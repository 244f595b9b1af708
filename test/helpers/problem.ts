import { expect } from "vitest";

/** Asserts an RFC 9457 answer: status, media type, problem type and a detail for people. */
export function expectProblem(response: { status: number; headers: Headers; body: any }, status: number, type: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toContain("application/problem+json");
  expect(response.body).toMatchObject({ status, type });
  expect(typeof response.body.detail).toBe("string");
  expect(response.body.detail.length).toBeGreaterThan(0);
}
