// tests/browser/check.mjs - check report.html files in a real browser and against HTML5.
//
//   node check.mjs --out DIR [--chromium PATH] REPORT.html[=REPORT.json[=NAME]] ...
//
// For each page: html-validate (recommended, document and a11y presets) must find
// nothing; the markup must not reference any resource (no src, <link>, url(),
// @import); headless Chromium loads it from file:// with every request
// intercepted, and no request may leave the file; the DOM must hold one headline
// row per report.json headline entry, one panel per check and at least one chart
// per compared table, every <svg> with role="img" and a non-empty <title> and
// <desc> that it names, and rendered (non-zero size); Hangul labels must be drawn
// with a CJK font (asked from Chromium through CSS.getPlatformFontsForNode); the
// table-sorting script must work and the page must raise no script error. A
// full-page PNG and a PDF (print rendering) of each page are written to DIR.
// A replication.html (its JSON has schema iaf-replication/1) is checked
// against replication.json instead: one row per bundle in the bundle table,
// one panel per check id with one forest plot whose every metric block has
// one row per bundle (a dot, or a note where the sample is too small), an IAF
// signature in every joint panel that has a point to draw, one table row per
// check x bundle.
// Exit status 1 on any failure, with one line per failure.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { HtmlValidate } from 'html-validate';
import { chromium } from 'playwright-core';

if (!isMainThread) {
  const validator = new HtmlValidate({
    extends: ['html-validate:recommended', 'html-validate:document', 'html-validate:a11y'],
  });
  const out = {};
  for (const f of workerData.validate) {
    const report = await validator.validateFile(f);
    out[f] = report.results.flatMap((r) => r.messages.map((m) => `html-validate ${m.ruleId} at line ${m.line}: ${m.message}`));
  }
  parentPort.postMessage(out);
} else {
  await main();
}

async function main() {

const args = process.argv.slice(2);
let outDir = null;
let chromiumPath = '/usr/bin/chromium';
const pages = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--out') outDir = args[++i];
  else if (args[i] === '--chromium') chromiumPath = args[++i];
  else {
    const [html, json, name] = args[i].split('=');
    pages.push({ html: path.resolve(html), json: json ? path.resolve(json) : null,
      name: name || path.basename(path.dirname(path.resolve(html))) });
  }
}
if (!outDir || pages.length === 0) {
  console.error('usage: node check.mjs --out DIR [--chromium PATH] REPORT.html[=REPORT.json] ...');
  process.exit(2);
  }
fs.mkdirSync(outDir, { recursive: true });

const failures = [];
const T0 = Date.now();
const tlog = (w) => { if (process.env.CHECK_TIMING) console.log(`[${((Date.now() - T0) / 1000).toFixed(1)} s] ${w}`); };
const fail = (page, what) => failures.push(`${page.name}: ${what}`);

// ---- static checks: HTML5 validity (in a worker thread, alongside the
// browser) and no resource references
const validation = new Promise((resolve, reject) => {
  const w = new Worker(new URL(import.meta.url), { workerData: { validate: pages.map((p) => p.html) } });
  w.on('message', resolve);
  w.on('error', reject);
});
for (const page of pages) {
  const text = fs.readFileSync(page.html, 'utf8');
  const refs = [/\ssrc\s*=/i, /<link[\s>]/i, /url\s*\(/i, /@import/i, /<iframe/i, /<object/i, /<embed/i, /<img/i];
  for (const re of refs) if (re.test(text)) fail(page, `references a resource (${re})`);
  if (!/^<!DOCTYPE html>\n<html lang="[a-z]{2}">/.test(text)) fail(page, 'no doctype or <html lang>');
  if (!/<meta charset="utf-8">/.test(text)) fail(page, '<meta charset="utf-8"> missing');
}

// ---- the browser
const browser = await chromium.launch({
  executablePath: chromiumPath,
  // root in containers has no user namespace for the sandbox
  args: ['--no-sandbox', '--disable-gpu', '--font-render-hinting=none'],
});
const HANGUL = /[\uac00-\ud7a3]/;

async function inBrowser(page) {
  const url = pathToFileURL(page.html).href;
  const doc = page.json ? JSON.parse(fs.readFileSync(page.json, 'utf8')) : null;
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const p = await context.newPage();
  // tall pages take long to rasterise on a loaded 2-core machine
  p.setDefaultTimeout(600000);
  const requests = new Set();
  const errors = [];
  // Every request is intercepted: the page itself may load, anything else is
  // recorded and aborted (so a failure can never be hidden by the network).
  await p.route('**/*', (route) => {
    const u = route.request().url();
    if (u === url) return route.continue();
    requests.add(u);
    return route.abort();
  });
  p.on('request', (r) => { if (r.url() !== url) requests.add(r.url()); });
  p.on('pageerror', (e) => errors.push(String(e)));
  p.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  tlog('load ' + page.name);
  await p.goto(url, { waitUntil: 'load' });
  tlog('loaded');

  for (const r of requests) fail(page, `request left the file: ${r}`);
  for (const e of errors) fail(page, `script error: ${e}`);

  // ---- geometry at a wide and a narrow window (issue 15): nothing wider than the
  // window, the answer sentences on the first screen, no id or badge broken across
  // lines, large sections folded and opening on click (report pages); a screenshot of each
  // width. replication.html is held to the same geometry: no overflow, no badge broken.
  const isReport = doc && doc.schema !== 'iaf-replication/1';
  for (const width of [1400, 420]) {
    await p.setViewportSize({ width, height: 900 });
    const g = await p.evaluate(() => {
      const vw = window.innerWidth;
      const scrollable = (e) => {
        for (let a = e.parentElement; a; a = a.parentElement) {
          const o = getComputedStyle(a).overflowX;
          if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
        }
        return false;
      };
      const wide = [...document.body.querySelectorAll('*')].filter((e) => {
        const r = e.getBoundingClientRect();
        return r.width > 0 && r.right > vw + 1 && !scrollable(e);
      }).slice(0, 5).map((e) => `${e.tagName.toLowerCase()}.${e.className.baseVal ?? e.className} (right ${Math.round(e.getBoundingClientRect().right)})`);
      const broken = [...document.querySelectorAll('.v, #headline a[href^="#check-"], nav.toc a, section.check > h3')]
        .filter((e) => e.getBoundingClientRect().width > 0 && e.getClientRects().length > 1 &&
          !e.matches('section.check > h3'))
        .map((e) => e.textContent).slice(0, 5);
      const idsBroken = [...document.querySelectorAll('.v, #headline a[href^="#check-"]')].filter((e) => {
        // one line: its height is one line box
        const r = e.getBoundingClientRect();
        const lh = parseFloat(getComputedStyle(e).lineHeight) || parseFloat(getComputedStyle(e).fontSize) * 1.6;
        return r.height > lh * 1.6;
      }).map((e) => e.textContent).slice(0, 5);
      const answer = document.querySelector('#answer');
      const details = [...document.querySelectorAll('details.more')];
      return {
        scrollWidth: document.documentElement.scrollWidth, vw, wide, broken, idsBroken,
        bodyWidth: document.body.getBoundingClientRect().width,
        answers: [...document.querySelectorAll('#answer li.answer')].map((li) => li.textContent),
        answerTop: answer ? answer.getBoundingClientRect().top + window.scrollY : null,
        folded: details.length, openAtLoad: details.filter((d) => d.open).length,
      };
    });
    if (g.scrollWidth > g.vw + 1)
      fail(page, `at ${width} px the page is ${g.scrollWidth} px wide: ${g.wide.join(', ')}`);
    for (const b of [...g.broken, ...g.idsBroken]) fail(page, `at ${width} px "${b}" breaks across lines`);
    if (isReport) {
      if (width === 1400 && g.bodyWidth < 1300) fail(page, `at 1400 px the page uses only ${g.bodyWidth} px`);
      const groups = ['marginal', 'rule'].filter((k) => doc.headline.some((h) => h.kind === k)).length +
        (doc.headline.some((h) => !['marginal', 'joint', 'flattening', 'rule'].includes(h.kind)) ? 1 : 0);
      const combos = doc.headline.filter((h) => h.kind === 'joint' || h.kind === 'flattening').length;
      if (g.answers.length !== combos + groups)
        fail(page, `at ${width} px ${g.answers.length} answer sentences, expected ${combos + groups}`);
      if (g.answerTop === null || g.answerTop > 900)
        fail(page, `at ${width} px the answer starts at ${g.answerTop} px, not on the first screen`);
      for (const h of doc.headline.filter((x) => x.kind === 'joint' || x.kind === 'flattening'))
        if (!g.answers.some((a) => a.includes((h.attributes || h.check) + (h.attributes ? ' vs ' : ':'))))
          fail(page, `at ${width} px no answer sentence names ${h.attributes || h.check}`);
      if (doc.checks.length && g.folded < doc.checks.length)
        fail(page, `${g.folded} folded sections for ${doc.checks.length} checks`);
      if (g.openAtLoad) fail(page, `${g.openAtLoad} folded sections open at load`);
    }
    await p.screenshot({ path: path.join(outDir, `${page.name}-${width}.png`), fullPage: false });
  }
  if (isReport && doc.checks.length) {
    // a click on a summary opens its section and shows what it held
    const opened = await p.evaluate(() => {
      const d = document.querySelector('details.more');
      const before = d.querySelector(':scope > :not(summary)');
      const v0 = before ? before.checkVisibility() : null;
      d.querySelector('summary').click();
      const v1 = before ? before.checkVisibility() : null;
      return { open: d.open, v0, v1, h1: before ? before.getBoundingClientRect().height : 0 };
    });
    if (!opened.open || opened.v0 !== false || opened.v1 !== true || !(opened.h1 > 0))
      fail(page, `a click on a folded section's summary did not open it (${JSON.stringify(opened)})`);
  }
  // the remaining checks see every section open, at the usual width
  await p.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
  await p.setViewportSize({ width: 1200, height: 900 });

  const dom = await p.evaluate(() => {
    const svgs = [...document.querySelectorAll('svg')];
    return {
      headlineRows: document.querySelectorAll('#headline tr.hl').length,
      checkPanels: document.querySelectorAll('section.check').length,
      svgs: svgs.length,
      svgProblems: svgs.flatMap((s, i) => {
        const out = [];
        if (s.getAttribute('role') !== 'img') out.push(`svg ${i}: no role="img"`);
        const ids = (s.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean);
        const named = ids.map((id) => document.getElementById(id));
        const t = s.querySelector(':scope > title'), d = s.querySelector(':scope > desc');
        if (!t || !t.textContent.trim()) out.push(`svg ${i}: no <title>`);
        if (!d || !d.textContent.trim()) out.push(`svg ${i}: no <desc>`);
        if (!named.includes(t) || !named.includes(d)) out.push(`svg ${i}: aria-labelledby does not name its title and desc`);
        const b = s.getBoundingClientRect();
        if (!(b.width > 0 && b.height > 0)) out.push(`svg ${i}: not rendered (${b.width}x${b.height})`);
        return out;
      }),
      tablesWithoutHeaders: [...document.querySelectorAll('table')].filter((t) => !t.querySelector('th')).length,
      verdicts: Object.fromEntries([...document.querySelectorAll('#headline tr.hl')]
        .map((r) => [r.dataset.check, r.dataset.verdict])),
      // replication.html
      bundleRows: document.querySelectorAll('table.bundles tr.bundle').length,
      tableRows: document.querySelectorAll('table.rows tr.row').length,
      replPanels: [...document.querySelectorAll('section.check[data-check]')].map((s) => ({
        check: s.dataset.check,
        bundles: Number(s.dataset.bundles),
        forests: s.querySelectorAll('svg.forest').length,
        facetRows: [...s.querySelectorAll('svg.forest g.facet')].map((f) => f.querySelectorAll('g.row').length),
        rowsWithoutMark: [...s.querySelectorAll('svg.forest g.row')]
          .filter((g) => g.querySelectorAll('circle.mark, text.nomark').length !== 1).length,
        notes: s.querySelectorAll('svg.forest text.nomark').length,
        signatures: s.querySelectorAll('svg.signature').length,
        sigMarks: s.querySelectorAll('svg.signature g.mark').length,
      })),
    };
  });
  for (const s of dom.svgProblems.slice(0, 20)) fail(page, s);
  if (dom.tablesWithoutHeaders) fail(page, `${dom.tablesWithoutHeaders} tables without header cells`);
  if (doc && doc.schema === 'iaf-replication/1') {
    const ids = [...new Set(doc.rows.map((r) => r.check))];
    if (dom.bundleRows !== doc.bundles.length)
      fail(page, `${dom.bundleRows} bundle rows, replication.json has ${doc.bundles.length} bundles`);
    if (dom.tableRows !== doc.rows.length)
      fail(page, `${dom.tableRows} check x bundle rows, replication.json has ${doc.rows.length}`);
    if (JSON.stringify(dom.replPanels.map((x) => x.check)) !== JSON.stringify(ids))
      fail(page, `panels ${dom.replPanels.map((x) => x.check)} are not the check ids ${ids}`);
    let notes = 0;
    for (const x of dom.replPanels) {
      const rows = doc.rows.filter((r) => r.check === x.check);
      notes += x.notes;
      if (x.bundles !== rows.length) fail(page, `${x.check}: panel says ${x.bundles} bundles, JSON ${rows.length}`);
      if (x.forests !== 1) fail(page, `${x.check}: ${x.forests} forest plots`);
      if (!x.facetRows.length || x.facetRows.some((n) => n !== rows.length))
        fail(page, `${x.check}: forest blocks with ${x.facetRows} rows, ${rows.length} bundles ran it`);
      if (x.rowsWithoutMark) fail(page, `${x.check}: ${x.rowsWithoutMark} forest rows without exactly one dot or note`);
      const small = (r) => r.too_small || (r.screens || []).some((s) => s.too_small);
      const sig = rows.filter((r) => r.kind === 'joint' && typeof r.retention === 'number' &&
        typeof r.footprint === 'number' && !small(r));
      if (sig.length && (x.signatures !== 1 || x.sigMarks !== sig.length))
        fail(page, `${x.check}: ${x.signatures} signature charts with ${x.sigMarks} points, expected ${sig.length}`);
    }
    const smallRows = doc.rows.filter((r) => r.too_small).length;
    if (notes < smallRows) fail(page, `${notes} too-small notes in the forest plots, ${smallRows} rows too small`);
  } else if (doc) {
    if (dom.headlineRows !== doc.headline.length)
      fail(page, `${dom.headlineRows} headline rows, report.json has ${doc.headline.length}`);
    if (dom.checkPanels !== doc.checks.length)
      fail(page, `${dom.checkPanels} check panels, report.json has ${doc.checks.length}`);
    for (const h of doc.headline) {
      const want = typeof h.verdict === 'string' ? h.verdict : 'pending';
      if (dom.verdicts[h.check] !== want)
        fail(page, `headline of ${h.check}: verdict ${dom.verdicts[h.check]}, report.json says ${want}`);
    }
    // at least one chart for every comparison with cells, one more for a joint signature
    let minCharts = 0;
    for (const c of doc.checks) {
      const comps = Array.isArray(c.variants) && c.variants.length ? c.variants : [c];
      for (const v of comps) {
        const m = v.metrics;
        if (m && Array.isArray(m.cells) && m.cells.length) minCharts++;
        if (c.kind === 'joint' && m && typeof m.retention === 'number' && typeof m.footprint === 'number') minCharts++;
        if (v.flattening) minCharts++;
        if (v.expectation) minCharts++;
      }
    }
    if (dom.svgs < minCharts) fail(page, `${dom.svgs} charts, expected at least ${minCharts}`);
  }

  // Hangul must be drawn with a CJK font, in HTML text and in SVG text
  const cdp = await context.newCDPSession(p);
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
  const probe = async (selector) => {
    const { nodeIds } = await cdp.send('DOM.querySelectorAll', { nodeId: root.nodeId, selector });
    for (const nodeId of nodeIds.slice(0, 3000)) {
      const { outerHTML } = await cdp.send('DOM.getOuterHTML', { nodeId });
      const text = outerHTML.replace(/<title>[\s\S]*?<\/title>/g, '').replace(/<[^>]*>/g, '');
      if (!HANGUL.test(text)) continue;
      const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
      return { text, fonts };
    }
    return null;
  };
  if (HANGUL.test(fs.readFileSync(page.html, 'utf8'))) {
    for (const [kind, selector] of [['HTML', 'span[lang="ko"]'], ['SVG', 'svg text']]) {
      const r = await probe(selector);
      if (!r) continue;
      const families = r.fonts.map((f) => `${f.familyName} (${f.glyphCount} glyphs)`).join(', ');
      if (!r.fonts.some((f) => /CJK|Noto Sans KR|Nanum|Malgun|Apple SD Gothic|UnDotum|Baekmuk/i.test(f.familyName)))
        fail(page, `${kind} label "${r.text}" drawn with ${families || 'no font'} (install fonts-noto-cjk)`);
      else console.log(`${page.name}: ${kind} label "${r.text}" drawn with ${families}`);
    }
  }

  tlog('fonts done');
  const stem = page.name;
  tlog('screenshot');
  await p.screenshot({ path: path.join(outDir, stem + '.png'), fullPage: true });
  tlog('pdf');
  await p.emulateMedia({ media: 'print' });
  await p.pdf({ path: path.join(outDir, stem + '.pdf'), format: 'A4', printBackground: true });
  const pdfSize = fs.statSync(path.join(outDir, stem + '.pdf')).size;
  if (pdfSize < 1000) fail(page, `print rendering produced ${pdfSize} bytes`);
  const head = doc && doc.schema === 'iaf-replication/1' ? `${dom.bundleRows} bundles` : `${dom.headlineRows} headline rows`;
  console.log(`${stem}: ${head}, ${dom.checkPanels} panels, ${dom.svgs} charts, ` +
    `${requests.size} outside requests; screenshot ${path.join(outDir, stem + '.png')}`);
  // sorting: a click on a sortable header reorders the rows
  const sorted = await p.evaluate(() => {
    const t = [...document.querySelectorAll('table.sortable')].find((x) => x.tBodies[0] && x.tBodies[0].rows.length > 2);
    if (!t) return null;
    const before = [...t.tBodies[0].rows].map((r) => r.textContent);
    const btn = t.querySelector('thead th button.sort');
    if (!btn) return 'no sort buttons';
    btn.click();
    const asc = [...t.tBodies[0].rows].map((r) => r.textContent);
    const first = [...t.tBodies[0].rows].map((r) => r.cells[0].textContent);
    for (let k = 1; k < first.length; k++)
      if (first[k - 1].localeCompare(first[k]) > 0) return `ascending order broken at row ${k}`;
    btn.click();
    const desc = [...t.tBodies[0].rows].map((r) => r.textContent);
    const same = (a, b) => a.length === b.length && [...a].sort().join('\u0001') === [...b].sort().join('\u0001');
    if (!same(before, asc) || !same(before, desc)) return 'sorting lost rows';
    if (JSON.stringify(asc) !== JSON.stringify([...desc].reverse()) && new Set(asc).size === asc.length)
      return 'descending is not the reverse of ascending';
    return 'ok';
  });
  if (sorted !== null && sorted !== 'ok') fail(page, `table sorting: ${sorted}`);

  await context.close();
}
const queue = [...pages];
await Promise.all([0, 1].map(async () => {
  while (queue.length) await inBrowser(queue.shift());
}));
await browser.close();
tlog('browser done');
const messages = await validation;
tlog('validation done');
for (const page of pages) for (const m of messages[page.html].slice(0, 20)) fail(page, m);

if (failures.length) {
  for (const f of failures) console.error('FAIL ' + f);
  process.exit(1);
}
console.log(`all ${pages.length} pages passed`);
}
