// UI benchmark (not a test): `npx tsx bench/ui.ts [--runs 5]`.
// 1. A 10,000-subnet estate (test/snapshot/generate-estate.ts; 1 CycleCloud + 999 cluster subnets in roles) is audited
//    into a fresh database; the built app serves it on loopback; Chromium measures, per run, from navigation start:
//    first rows painted, and interactive (the table hydrated: typing and clicking work), then on the hydrated page a
//    search and a filter click timed in the page (input event → new count painted) and through the driver, and a
//    scroll to the last row. First rows and interactive are timed in the page too (a MutationObserver installed before
//    the document loads): the driver polls for an element with backoff (0, 20, 50, 100, 100, then every 500 ms, each
//    poll a round trip that waits for a busy main thread), so its figure can land up to half a second after the fact.
// The PDF has its own benchmark: bench/pdf.ts. Uses the production build in NEXT_DIST_DIR (default .next). Writes bench/out/ui.json.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Page } from "@playwright/test";
import { Store } from "@/lib/store";
import { BENCH_SIZE, generateEstate } from "../test/snapshot/generate-estate";
import { CHROMIUM } from "../e2e/support/chromium";
import { flag, startApp } from "./support/server";

const ROOT = path.resolve(__dirname, "..");




const ms = (t: number) => Math.round(t);

// Installed before the page's own scripts (a string, so the bundler adds nothing to it): the time from navigation start
// at which the first row is in the DOM and then painted (the next frame), and at which the table is hydrated.
const IN_PAGE_TIMING = `(() => {
  const t = (window.__uiBench = {});
  const observer = new MutationObserver(() => {
    if (t.firstRows === undefined && document.querySelector('[data-testid="subnet-row"]')) {
      t.firstRows = performance.now();
      requestAnimationFrame(() => setTimeout(() => (t.firstRowsPainted = performance.now()), 0));
    }
    if (t.interactive === undefined && document.querySelector('[data-testid="subnets-table"][data-ready]')) t.interactive = performance.now();
    if (t.firstRows !== undefined && t.interactive !== undefined) observer.disconnect();
  });
  observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-ready"] });
})();`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function profileFor(subnets: number, perVnet: number) {
  const ref = (s: number) => `vnet-${Math.floor(s / perVnet)}/subnet-${s % perVnet}`;
  return { roles: { cyclecloud: [ref(0)], cluster: Array.from({ length: 999 }, (_, i) => ref(i + 1)), returnProxy: [] as string[] } };
}

async function main() {
  const runs = flag("runs", 5, 20);
  const distDir = process.env.NEXT_DIST_DIR || ".next";
  if (!existsSync(path.join(ROOT, distDir, "BUILD_ID"))) throw new Error(`no production build in ${distDir}: run \`npm run build\` first (or set NEXT_DIST_DIR)`);

  const dir = mkdtempSync(path.join(tmpdir(), "lockdown-ui-bench-"));
  const db = path.join(dir, "bench.db");
  const store = await Store.open(db);
  const t = performance.now();
  const resources = generateEstate(BENCH_SIZE);
  const profile = profileFor(BENCH_SIZE.subnets, Math.ceil(BENCH_SIZE.subnets / BENCH_SIZE.vnets));
  const scan = await store.createScan({ sources: [{ name: "estate.json", value: resources }], profile: { name: "profile.json", value: profile }, origin: "api", label: "10,000-subnet bench estate" });
  const auditAndStoreMs = performance.now() - t;
  const report = (await store.getReport(scan.id))!;
  await store.close();
  process.stderr.write(`audited and stored ${report.summary.subnets} subnets in ${ms(auditAndStoreMs)} ms\n`);

  const loadBefore = loadavg().map((l) => Math.round(l * 100) / 100);
  const { base, stop } = await startApp({ root: ROOT, distDir, db });

  // "Showing 10,001 of 10,001": whether the table shows every subnet (the estate's size is read, not assumed).
  const all = report.summary.subnets.toLocaleString("en-US");
  const showingAll = (page: Page, yes: boolean) =>
    page.waitForFunction(([n, want]) => new RegExp(`Showing\\s+${n}\\s`).test(document.querySelector('[data-testid="subnet-count"]')?.textContent ?? "") === want, [all, yes] as const);

  // In the page: from the input event (a keystroke's, or a click) to the table showing the new count, painted. What a
  // user waits for; the driver's own round trips (Playwright over CDP) are measured apart, as they grow with the load.
  const inPage = (page: Page, action: { search: string } | { click: string }) =>
    page.evaluate(async (act) => {
      const count = document.querySelector('[data-testid="subnet-count"]')!;
      const before = count.textContent;
      const changed = new Promise<void>((resolve) => {
        const observer = new MutationObserver(() => {
          if (count.textContent !== before) {
            observer.disconnect();
            resolve();
          }
        });
        observer.observe(count, { subtree: true, childList: true, characterData: true });
      });
      const t0 = performance.now();
      if ("search" in act) {
        const input = document.querySelector<HTMLInputElement>('[data-testid="subnets-table"] input[type="search"]')!;
        // The native setter, then an input event: what typing does, so React's onChange sees it.
        Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")!.set!.call(input, act.search);
        input.dispatchEvent(new Event("input", { bubbles: true }));
      } else {
        document.querySelector<HTMLElement>(`[data-testid="${act.click}"]`)!.click();
      }
      await changed;
      // The next frame: the new rows are painted.
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      return performance.now() - t0;
    }, action);

  const results: {
    firstRowsMs: number;
    interactiveMs: number;
    firstRowsDriverMs: number;
    interactiveDriverMs: number;
    searchMs: number;
    filterMs: number;
    searchDriverMs: number;
    filterDriverMs: number;
    scrollToEndMs: number;
    documentBytes: number;
  }[] = [];
  const browser = await chromium.launch(CHROMIUM);
  try {
    const url = `${base}/scans/${scan.id}/subnets`;
    // Warm-up: the first request loads the report into the server's cache; not measured.
    await (await fetch(url)).text();

    for (let run = 0; run < runs; run++) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
      const page = await context.newPage();
      let documentBytes = 0;
      page.on("response", async (r) => {
        if (r.request().resourceType() === "document") documentBytes = (await r.body().catch(() => Buffer.alloc(0))).length;
      });
      await page.addInitScript({ content: IN_PAGE_TIMING });
      await page.goto(url, { waitUntil: "commit" });
      const start = await page.evaluate(() => performance.timeOrigin);
      await page.getByTestId("subnet-row").first().waitFor();
      const firstRows = (await page.evaluate(() => performance.timeOrigin + performance.now())) - start;
      // Interactive: the table has hydrated (its effects ran), so typing and clicking work from here on.
      await page.locator('[data-testid="subnets-table"][data-ready]').waitFor();
      const interactive = (await page.evaluate(() => performance.timeOrigin + performance.now())) - start;
      // The same two moments as the page saw them (navigation start is the page's time origin).
      const inPageTiming = await page.waitForFunction(() => {
        const t = (window as unknown as { __uiBench?: { firstRowsPainted?: number; interactive?: number } }).__uiBench;
        return t?.firstRowsPainted !== undefined && t.interactive !== undefined && { firstRows: t.firstRowsPainted, interactive: t.interactive };
      });
      const timed = (await inPageTiming.jsonValue()) as { firstRows: number; interactive: number };

      // On the hydrated page: a search over the 10,000 rows and back, then one filter click and back, timed in the page.
      const searchMs = await inPage(page, { search: "subnet-42" });
      await inPage(page, { search: "" });
      const filterMs = await inPage(page, { click: "filter-status-fail" });
      await inPage(page, { click: "filter-status-fail" });

      // The same through the driver (Playwright typing and polling over CDP), as measured before.
      const search = page.getByLabel("Search");
      const q0 = await page.evaluate(() => performance.now());
      await search.fill("subnet-42");
      await showingAll(page, false);
      const searchDriverMs = (await page.evaluate(() => performance.now())) - q0;
      await search.fill("");
      await showingAll(page, true);
      const f0 = await page.evaluate(() => performance.now());
      await page.getByTestId("filter-status-fail").click();
      await showingAll(page, false);
      const filterDriverMs = (await page.evaluate(() => performance.now())) - f0;
      await page.getByTestId("filter-status-fail").click();
      await showingAll(page, true);

      const s0 = await page.evaluate(() => performance.now());
      await page.getByTestId("subnets-scroll").evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
      await page.waitForSelector(`[data-testid="subnet-row"][aria-rowindex="${report.summary.subnets + 1}"]`);
      const scrollToEndMs = (await page.evaluate(() => performance.now())) - s0;

      results.push({
        firstRowsMs: ms(timed.firstRows),
        interactiveMs: ms(timed.interactive),
        firstRowsDriverMs: ms(firstRows),
        interactiveDriverMs: ms(interactive),
        searchMs: ms(searchMs),
        filterMs: ms(filterMs),
        searchDriverMs: ms(searchDriverMs),
        filterDriverMs: ms(filterDriverMs),
        scrollToEndMs: ms(scrollToEndMs),
        documentBytes,
      });
      process.stderr.write(`run ${run + 1}: ${JSON.stringify(results[run])}\n`);
      await context.close();
    }
  } finally {
    await browser.close();
    stop();
    rmSync(dir, { recursive: true, force: true });
  }

  const summary = {
    machine: `${process.platform} ${process.arch}, Node ${process.version}`,
    subnets: report.summary.subnets,
    auditAndStoreMs: ms(auditAndStoreMs),
    subnetsPage: {
      runs: results,
      medianFirstRowsMs: median(results.map((r) => r.firstRowsMs)),
      medianInteractiveMs: median(results.map((r) => r.interactiveMs)),
      medianFirstRowsDriverMs: median(results.map((r) => r.firstRowsDriverMs)),
      medianInteractiveDriverMs: median(results.map((r) => r.interactiveDriverMs)),
      medianSearchMs: median(results.map((r) => r.searchMs)),
      medianFilterMs: median(results.map((r) => r.filterMs)),
      medianSearchDriverMs: median(results.map((r) => r.searchDriverMs)),
      medianFilterDriverMs: median(results.map((r) => r.filterDriverMs)),
      medianScrollToEndMs: median(results.map((r) => r.scrollToEndMs)),
      documentBytes: results[0]?.documentBytes,
    },
    cores: availableParallelism(),
    loadAverageBefore: loadBefore,
    loadAverageAfter: loadavg().map((l) => Math.round(l * 100) / 100),
    targets: "interactive ≤ 1,000 ms, search and filter ≤ 100 ms",
  };
  mkdirSync(path.join(ROOT, "bench", "out"), { recursive: true });
  writeFileSync(path.join(ROOT, "bench", "out", "ui.json"), JSON.stringify(summary, null, 2));
  console.log(JSON.stringify(summary, null, 2));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
