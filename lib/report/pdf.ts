// The PDF export: lib/report/pdf-html.ts lays the report out as HTML, Debian's Chromium (driven by playwright-core)
// prints it, pdf-lib joins the parts and numbers the pages. Chromium lays out and prints in its own processes, so the
// server's event loop only builds HTML strings, copies pages and waits. Fonts are Debian's DejaVu, embedded (subset), so
// arrows and non-Latin names print as written. Why Chromium rather than @react-pdf/renderer: README "Reports".
import { existsSync, readFileSync } from "node:fs";
import fontkit from "@pdf-lib/fontkit";
import {
  PDFDocument,
  PDFHexString,
  PDFName,
  ParseSpeeds,
  StandardFonts,
  beginText,
  endText,
  moveText,
  popGraphicsState,
  pushGraphicsState,
  setFillingRgbColor,
  setFontAndSize,
  showText,
  type PDFFont,
  type PDFRef,
} from "pdf-lib";
import type { Browser } from "playwright-core";
import type { ReportMeta } from "./meta";
import type { Report } from "./types";
import { renderPdfDocuments } from "./pdf-html";

/** The Chromium binary: `LOCKDOWN_CHROMIUM`, else Debian's `/usr/bin/chromium` (`apt-get install chromium`). */
export function chromiumPath(): string {
  return process.env.LOCKDOWN_CHROMIUM?.trim() || "/usr/bin/chromium";
}

/** Debian `fonts-dejavu-core`: the page footer's font (the body's comes to Chromium through fontconfig). */
const FOOTER_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

// The same flags as every browser run here (e2e/support/chromium.ts): no sandbox (containers), no background traffic.
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"];

/** Parts printed at once: one renderer process each, so two use both cores of a small machine. */
const PARALLEL_PARTS = 2;

// One PDF at a time per process: a 1,000-subnet print holds a few hundred MB in Chromium, and two reports at once on two
// cores finish no sooner than one after the other.
let queue: Promise<unknown> = Promise.resolve();

/**
 * Prints self-contained HTML documents to A4 PDFs with Chromium, JavaScript off and every network request refused
 * (names inside the HTML are untrusted). A browser is started per call (~0.3 s) and closed after it, so no state
 * outlives a request and a one-shot CLI exits. Returns one PDF per document, in order. Errors: no Chromium at
 * `chromiumPath()` → an Error saying how to install it.
 */
export function printHtmlDocuments(docs: string[]): Promise<Uint8Array[]> {
  const run = queue.then(() => print(docs));
  queue = run.catch(() => undefined);
  return run;
}

async function print(docs: string[]): Promise<Uint8Array[]> {
  const executablePath = chromiumPath();
  if (!existsSync(/*turbopackIgnore: true*/ executablePath)) {
    throw new Error(`PDF export needs Chromium at ${executablePath}: install Debian's (apt-get install chromium) or set LOCKDOWN_CHROMIUM`);
  }
  const { chromium } = await import("playwright-core");
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
    await context.route("**/*", (route) => route.abort());
    const out: Uint8Array[] = new Array(docs.length);
    let next = 0;
    const printer = async () => {
      const page = await context.newPage();
      while (next < docs.length) {
        const i = next++;
        await page.setContent(docs[i], { waitUntil: "load" });
        out[i] = await page.pdf({ printBackground: true, preferCSSPageSize: true, outline: false, tagged: false });
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_PARTS, docs.length) }, printer));
    return out;
  } finally {
    await browser?.close().catch(() => undefined);
  }
}

/**
 * Joins PDFs in order and stamps every page's footer ("Lockdown Auditor – scan <id>", "Page n of N") in DejaVu Sans,
 * embedded; Helvetica (not embedded, ASCII) only if the font file is missing. Returns the PDF bytes.
 */
export async function joinPdfs(parts: Uint8Array[], meta: ReportMeta, title: string): Promise<Buffer> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.setTitle(title);
  doc.setAuthor("Lockdown Auditor");
  doc.setCreator("Lockdown Auditor");
  doc.setProducer("Lockdown Auditor (Chromium, pdf-lib)");
  for (const part of parts) {
    // Parsed and saved in one go, without yielding: big reports are joined in a worker thread (pdf-off-thread.ts).
    const src = await PDFDocument.load(part, { updateMetadata: false, parseSpeed: ParseSpeeds.Fastest });
    for (const page of await doc.copyPages(src, src.getPageIndices())) doc.addPage(page);
  }
  const font =
    existsSync(/*turbopackIgnore: true*/ FOOTER_FONT) ? (doc.registerFontkit(fontkit), await doc.embedFont(readFileSync(/*turbopackIgnore: true*/ FOOTER_FONT), { subset: true })) : await doc.embedFont(StandardFonts.Helvetica);
  stampFooters(doc, font, `Lockdown Auditor${meta.scanId ? ` – scan ${meta.scanId}` : ""}`);
  // Object streams make the file ~5 % smaller and the save twice as slow.
  return Buffer.from(await doc.save({ useObjectStreams: false, objectsPerTick: Number.POSITIVE_INFINITY }));
}

const FOOTER_SIZE = 7;
const FOOTER_FONT_NAME = PDFName.of("LockdownFooter");

/**
 * Writes the footer into every page with raw content streams: the "q" before a page's own content, the "Q" after it and
 * the left text are one stream each, shared by every page; only "Page n of N" is a stream per page. (pdf-lib's
 * drawText, one call per text per page, took four times as long as the whole join for 1,600 pages.)
 */
function stampFooters(doc: PDFDocument, font: PDFFont, left: string): void {
  const ctx = doc.context;
  const pages = doc.getPages();
  // NOTE: fontkit lays out every encodeText() call (~1 ms each); "Page n of N" is built from glyphs encoded once per
  // character instead (no ligatures or kerning in digits and "Page of").
  const glyphs = new Map<string, { hex: string; width: number }>();
  const encode = (value: string) => {
    let hex = "";
    let width = 0;
    for (const ch of value) {
      let g = glyphs.get(ch);
      if (!g) glyphs.set(ch, (g = { hex: font.encodeText(ch).asString(), width: font.widthOfTextAtSize(ch, FOOTER_SIZE) }));
      hex += g.hex;
      width += g.width;
    }
    return { text: PDFHexString.of(hex), width };
  };
  const text = (x: number, value: PDFHexString) => [beginText(), setFontAndSize(FOOTER_FONT_NAME, FOOTER_SIZE), moveText(x, 22), showText(value), endText()];
  const grey = setFillingRgbColor(0.39, 0.45, 0.55);
  const save = ctx.register(ctx.contentStream([pushGraphicsState()]));
  const restore = ctx.register(ctx.contentStream([popGraphicsState(), grey, ...text(34, font.encodeText(left))]));
  pages.forEach((page, i) => {
    const right = encode(`Page ${i + 1} of ${pages.length}`);
    const own: PDFRef = ctx.register(ctx.contentStream([grey, ...text(page.getWidth() - 34 - right.width, right.text)]));
    page.node.normalize();
    // normalize() makes Contents an array (and creates it for a blank page).
    page.node.normalizedEntries().Contents!.insert(0, save);
    page.node.addContentStream(restore);
    page.node.addContentStream(own);
    page.node.setFontDictionary(FOOTER_FONT_NAME, font.ref);
  });
}

/**
 * The report as PDF bytes (lib/report/pdf-html.ts says what it holds and in which order). `meta` adds the scan,
 * filters and the public base URL for links. Resolves once Chromium has printed and the parts are joined; rejects if
 * Chromium is missing or fails.
 */
export async function renderPdf(report: Report, meta: ReportMeta = {}): Promise<Buffer> {
  const parts = await printHtmlDocuments(renderPdfDocuments(report, meta));
  return joinPdfs(parts, meta, `Lockdown audit report${meta.scanId ? ` ${meta.scanId}` : ""}`);
}
