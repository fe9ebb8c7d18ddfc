// End-to-end test in a real browser: `unspun serve` (paste seed 004, Check, highlights, score,
// restored text) and the standalone HTML report of seeds/, with no request leaving this
// machine. Needs the release binary (cargo build --release) and Debian's chromium.
// Screenshots go to target/e2e/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, mkdirSync } from "node:fs";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = process.env.UNSPUN_BIN || join(ROOT, "target/release/unspun");
const OUT = join(ROOT, "target/e2e");
const SEED_004 = readFileSync(join(ROOT, "seeds/004_10f339da52fe37a9.txt"), "utf8");
const SEED_000 = readFileSync(join(ROOT, "seeds/000_76536d54b82e6b70.txt"), "utf8");

let server, base, browser;

before(async () => {
  mkdirSync(OUT, { recursive: true });
  server = spawn(BIN, ["serve", "--addr", "127.0.0.1:0"], { stdio: ["ignore", "pipe", "inherit"] });
  base = await new Promise((ok, fail) => {
    let seen = "";
    const timer = setTimeout(() => fail(new Error("unspun serve did not start: " + seen)), 20000);
    server.stdout.on("data", (d) => {
      seen += d;
      const m = seen.match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (m) { clearTimeout(timer); ok(m[0]); }
    });
    server.on("exit", (code) => fail(new Error("unspun serve exited with " + code)));
  });
  // playwright-core gives every launch a fresh temporary profile (--user-data-dir).
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.kill();
});

/** A context that records every request and refuses those not allowed by `ok(url)`. */
async function guarded(ok, options = {}) {
  const context = await browser.newContext(options);
  const requests = [];
  const refused = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (ok(url)) return route.continue();
    refused.push(url);
    return route.abort();
  });
  context.on("request", (r) => requests.push(r.url()));
  return { context, requests, refused };
}

test("serve: paste seed 004, Check, see highlights, score, restored text", async () => {
  const origin = new URL(base).origin;
  const local = (u) => u.startsWith(origin + "/") || u.startsWith("data:");
  const { context, requests, refused } = await guarded(local, { viewport: { width: 1280, height: 1100 } });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(base);

  // Opening a file (the same path as dropping one) fills the text and picks the format.
  await page.setInputFiles("#u-file", { name: "draft.md", mimeType: "text/markdown", buffer: Buffer.from("# Title\n\nHe said thatRussia was ready, in no unpredictable terms.\n") });
  await page.locator("#u-status", { hasText: "draft.md" }).waitFor();
  assert.equal(await page.inputValue("#u-format"), "markdown");
  assert.match(await page.inputValue("#u-input"), /thatRussia/);
  await page.click("#u-check");
  await page.locator("#u-text mark.u-glue", { hasText: /^thatRussia$/ }).waitFor();
  await page.selectOption("#u-format", "text");

  // Keyboard: Ctrl+Enter checks (seed 000 first).
  await page.fill("#u-input", SEED_000);
  await page.focus("#u-input");
  await page.keyboard.press("Control+Enter");
  await page.locator("#u-result").waitFor({ state: "visible" });
  await page.locator("mark", { hasText: "CyberCrimeSecuritySecurity" }).first().waitFor();

  // Paste seed 004 and click Check.
  await page.fill("#u-input", SEED_004);
  await page.click("#u-check");
  const dentro = page.locator("#u-text mark.u-foreign", { hasText: /^Dentro$/ });
  await dentro.waitFor();
  const glued = page.locator("#u-text mark.u-glue", { hasText: /^animpenetrable$/ });
  await glued.waitFor();

  // The score shows and agrees with the API.
  const api = await (await fetch(base + "api/check", {
    method: "POST", body: JSON.stringify({ text: SEED_004 }),
  })).json();
  assert.equal(await page.textContent("#u-score"), api.score.toFixed(1));
  assert.match(await page.textContent("#u-verdict"), /likely spun/);
  assert.equal(await page.locator("#u-text mark[id]").count(), api.findings.length);
  assert.equal(await page.locator("#u-list li").count(), api.findings.length);
  const glueCount = api.findings.filter((f) => f.category === "glue").length;
  assert.equal(await page.textContent('#u-counts li[data-category="glue"] b'), String(glueCount));
  // The highlighted text is the pasted text, character for character.
  assert.equal(await page.textContent("#u-text"), SEED_004);

  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(OUT, "serve-004.png") });
  await page.screenshot({ path: join(OUT, "serve-004-full.png"), fullPage: true });

  // Suggestion and message on keyboard focus.
  await dentro.focus();
  const tip = await dentro.evaluate((m) => getComputedStyle(m, "::after").content);
  assert.match(tip, /→ In/);
  assert.match(tip, /Portuguese/);
  await page.screenshot({ path: join(OUT, "serve-004-tooltip.png") });

  // Copy restored text: every suggestion applied.
  await page.click("#u-copy");
  await page.locator("#u-copied", { hasText: "Copied" }).waitFor();
  const restored = await page.evaluate(() => navigator.clipboard.readText());
  assert.ok(restored.includes("an impenetrable [cybersecurity]") || restored.includes("an impenetrable"));
  assert.ok(!restored.includes("animpenetrable"));
  assert.ok(!restored.includes("Dentro 2017"));
  assert.ok(restored.includes("in no uncertain terms"));
  assert.ok(restored.includes("that Russia"));
  // Untouched text stays as it was.
  assert.ok(restored.startsWith(SEED_004.slice(0, 60)));

  // restore() on UTF-8 byte offsets: multi-byte and astral chars, overlaps skipped.
  const text = "Café 😀 thatRussia — ünï systemwith “x”";
  const b = (s) => Buffer.byteLength(s, "utf8");
  const at = (sub) => b(text.slice(0, text.indexOf(sub)));
  const findings = [
    { start: at("thatRussia"), end: at("thatRussia") + b("thatRussia"), suggestion: "that Russia" },
    // overlaps the one above and starts earlier: skipped
    { start: at("😀"), end: at("thatRussia") + 4, suggestion: "XX" },
    { start: at("systemwith"), end: at("systemwith") + b("systemwith"), suggestion: "system with" },
    { start: at("systemwith") + 2, end: at("systemwith") + 5, suggestion: "YY" }, // inside: the later-starting one wins
    { start: at("“"), end: at("“") + b("“"), suggestion: null },
    { start: at("Café"), end: at("Café") + b("Café"), suggestion: "Cafe" },
  ];
  const got = await page.evaluate(([t, f]) => window.unspun.restore(t, f), [text, findings]);
  assert.equal(got.text, "Cafe 😀 that Russia — ünï syYYmwith “x”");
  assert.equal(got.applied, 3);

  // Narrow window: still readable (single column, no horizontal scroll).
  await page.setViewportSize({ width: 400, height: 900 });
  const scrollW = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(scrollW <= 400, "no horizontal scroll on a narrow window, got " + scrollW);
  await page.screenshot({ path: join(OUT, "serve-narrow.png") });

  assert.deepEqual(errors, []);
  assert.deepEqual(refused, [], "requests that tried to leave 127.0.0.1");
  assert.ok(requests.every(local), requests.join("\n"));
  assert.ok(requests.some((u) => u.endsWith("/api/check")));
  await context.close();
});

test("report: seeds/ as one self-contained HTML file, no request leaves the page", async () => {
  const file = join(OUT, "report.html");
  const run = spawnSync(BIN, ["check", "--format", "html", "-o", file, join(ROOT, "seeds")], { encoding: "utf8" });
  assert.equal(run.status, 2, run.stderr);
  const url = pathToFileURL(file).href;
  const { context, requests, refused } = await guarded((u) => u === url || u.startsWith("data:"), {
    viewport: { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  await page.goto(url);
  assert.equal(await page.locator("section.u-doc").count(), 2);
  assert.match(await page.textContent("section.u-doc h2 >> nth=0"), /004_/);
  await page.locator("mark.u-foreign", { hasText: /^Dentro$/ }).waitFor();
  await page.locator("mark.u-glue", { hasText: /^animpenetrable$/ }).waitFor();
  await page.locator("mark.u-glue", { hasText: /^CyberCrimeSecuritySecurity$/ }).waitFor();
  await page.screenshot({ path: join(OUT, "report.png") });
  // The side list links to the highlight.
  await page.click("#d0-f0 a");
  assert.equal(await page.evaluate(() => location.hash), "#d0-m0");
  assert.deepEqual(refused, [], "requests that tried to leave the page");
  assert.deepEqual(requests, [url]);
  await context.close();
});
