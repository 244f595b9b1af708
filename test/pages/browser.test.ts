import { existsSync, mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { serve, type ServerType } from "@hono/node-server";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app.js";
import { StaticSource } from "../helpers/static-source.js";
import { MONITOR_LINK, seedHaltedRollout, seedRollout } from "./fixtures.js";

const CHROMIUM = "/usr/bin/chromium";
const SCREENSHOTS = fileURLToPath(new URL("../../test-output/screenshots/", import.meta.url));

let t: TestApp;
let server: ServerType;
let base: string;
let browser: Browser;
let page: Page;
let rolloutId: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}: run .ci/run, or apt-get install -y chromium`);
  t = await createTestApp({ auth: { publicPages: true }, sources: [new StaticSource()], grafanaUrl: "https://grafana.test", now: () => new Date("2025-06-01T12:30:00Z") });
  const rollout = await seedHaltedRollout(t.database.db, { service: "checkout", version: "v2.4.0-rc.1+build.20250601", labels: { team: "payments", region: "eu-west-1" } });
  rolloutId = rollout.id;
  await seedRollout(t.database.db, { service: "search", version: "v9.1.0", createdAt: new Date("2025-06-01T12:20:00Z") });
  await seedRollout(t.database.db, { service: "cart", version: "v3.0.0", verdict: "continue", isFinal: true, score: 100, createdAt: new Date("2025-06-01T11:00:00Z") });
  const address = await new Promise<AddressInfo>((resolve) => {
    server = serve({ fetch: t.app.fetch, hostname: "127.0.0.1", port: 0 }, resolve);
  });
  base = `http://127.0.0.1:${address.port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  await t?.close();
});

const overflow = () => page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth");

describe("the investigation pages in Chromium", () => {
  it("shows the failing check and its alerting monitor's link first", async () => {
    const response = await page.goto(`${base}/rollouts/${rolloutId}`);
    expect(response?.status()).toBe(200);
    const card = page.locator("main article.card").first();
    const link = card.locator("table a[href]").first();
    const first = {
      name: await card.locator("h3").textContent(),
      classes: await card.getAttribute("class"),
      result: await card.locator(".badge").first().textContent(),
      link: await link.getAttribute("href"),
      rel: await link.getAttribute("rel"),
      linkText: await link.textContent(),
    };
    expect(first).toEqual({ name: "alerts", classes: "card fail", result: "fail", link: MONITOR_LINK, rel: "noopener noreferrer", linkText: "HighLatency" });
    expect(await page.locator("main article.card .card-head .badge").allTextContents()).toEqual(["fail", "fail", "inconclusive", "pass"]);
    expect(await page.locator("h2#verdict").innerText()).toMatch(/halt\s*Halt, final/i);
    expect(await page.locator("svg[role=img] title").count()).toBe(3);
    await page.screenshot({ path: `${SCREENSHOTS}rollout-desktop.png`, fullPage: true });
  });

  it("goes to the rollouts list and back", async () => {
    await page.goto(`${base}/rollouts/${rolloutId}`);
    await page.getByRole("navigation").getByRole("link", { name: "Rollouts" }).click();
    await page.waitForURL(`${base}/rollouts`);
    const services = (await page.locator("main tbody th[scope=row] a").allTextContents()).map((text) => text.split(" ")[0]);
    expect(services).toEqual(["checkout", "search", "cart"]);
    await page.screenshot({ path: `${SCREENSHOTS}rollouts-desktop.png`, fullPage: true });
    await page.locator(`a[href="/rollouts/${rolloutId}"]`).click();
    await page.waitForURL(`${base}/rollouts/${rolloutId}`);
    expect(await page.locator("h1").innerText()).toBe("checkout v2.4.0-rc.1+build.20250601 in prod");
  });

  it("fits a 375 px phone screen without horizontal scrolling", async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    await page.goto(`${base}/rollouts/${rolloutId}`);
    expect(await overflow()).toBe(0);
    await page.screenshot({ path: `${SCREENSHOTS}rollout-phone.png`, fullPage: true });
    await page.goto(`${base}/rollouts?verdict=halt`);
    expect(await overflow()).toBe(0);
    await page.screenshot({ path: `${SCREENSHOTS}rollouts-phone.png`, fullPage: true });
    await page.goto(`${base}/rollouts/not-an-id`);
    expect(await page.locator("h1").innerText()).toBe("Not a rollout id");
    expect(await overflow()).toBe(0);
  });
});
