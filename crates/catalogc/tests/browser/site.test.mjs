// End-to-end test of the static catalog site in a real headless Chromium (issue 5).
//
// Usage: node site.test.mjs SITE_DIR [--screenshots DIR]
//
//   SITE_DIR   the `site/` directory of a bundle built from catalog-example, e.g.
//              target/e2e/dist/site (the bundle's catalog.json beside it is the oracle)
//   DIR        where the screenshots go (default: target/e2e/screenshots of this repository)
//
// Environment: CHROMIUM (default /usr/bin/chromium), E2E_TIMEOUT_S (whole run, default 180).
//
// It builds nothing. It opens the site from file:// and checks: every page loads with no
// console error, page error, failed request or Content-Security-Policy violation and every
// relative link (and #fragment) resolves; the search box filters the service list (also
// reached with the `/` shortcut and from another page's header search); a service page has
// its neighbourhood picture and scorecard tables and links to its owning team's page; the
// resources page lists the unmapped resources; the graph page has its SVG; the home page at
// phone width does not overflow. Then it serves the site over http from 127.0.0.1 and repeats
// the home page and the search, so the CSP is proven for both schemes. Screenshots: home,
// home-filtered, service, service-dependencies, team (1280×800) and home-phone (390×844).
//
// Exit status: 0 when every check passed, 1 when one failed, 2 on bad usage or a timeout.

import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, "../../../..");

const SERVICE = "checkout"; // the service searched for and visited
const QUERY = "checkout";
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const STEP_TIMEOUT_MS = 10_000;

// ---- arguments ------------------------------------------------------------------------
function usage(message) {
  console.error(`site.test: ${message}\nusage: node site.test.mjs SITE_DIR [--screenshots DIR]`);
  process.exit(2);
}
const argv = process.argv.slice(2);
let siteArg = null;
let shotsDir = path.join(REPO, "target/e2e/screenshots");
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === "--screenshots") shotsDir = path.resolve(argv[++i] ?? usage("--screenshots needs a directory"));
  else if (argv[i].startsWith("-")) usage(`unknown option ${argv[i]}`);
  else if (siteArg === null) siteArg = argv[i];
  else usage(`unexpected argument ${argv[i]}`);
}
if (siteArg === null) usage("missing SITE_DIR");
const SITE = path.resolve(siteArg);
if (!fs.existsSync(path.join(SITE, "index.html"))) usage(`${SITE}/index.html does not exist: build the site first`);
const bundlePath = path.join(SITE, "..", "catalog.json");
if (!fs.existsSync(bundlePath)) usage(`${bundlePath} does not exist: SITE_DIR must be the site/ of a bundle`);
const bundle = JSON.parse(fs.readFileSync(bundlePath, "utf8"));
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
if (!fs.existsSync(executablePath)) usage(`no Chromium at ${executablePath} (apt-get install -y chromium, or set CHROMIUM)`);
fs.mkdirSync(shotsDir, { recursive: true });

// ---- hard timeout: never hang -----------------------------------------------------------
let browser = null;
let server = null;
const totalTimeoutS = Number(process.env.E2E_TIMEOUT_S || 180);
const watchdog = setTimeout(() => {
  console.error(`site.test: FAILED: the whole run took longer than ${totalTimeoutS} s (E2E_TIMEOUT_S); giving up`);
  process.exit(2); // playwright kills the browser it launched when the process exits
}, totalTimeoutS * 1000);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    if (browser) browser.close().catch(() => {});
    process.exit(2);
  });
}

// ---- problems reported by the browser -----------------------------------------------------
// Every console error, page error, failed request, HTTP error status and CSP violation lands
// here; each check fails if any arrived while it ran.
let problems = [];
function problem(kind, text, url) {
  problems.push(`${kind}: ${text}${url ? ` (${url})` : ""}`);
}
const warnings = [];

// Runs in every document before its own scripts. `securitypolicyviolation` is dispatched on
// the document (and bubbles from the element); Chromium also logs a console error, but the
// event is the contract.
const CSP_PROBE = () => {
  document.addEventListener(
    "securitypolicyviolation",
    (e) => {
      window.__reportCsp(
        `${e.violatedDirective} blocked ${e.blockedURI || "(inline)"} at ${e.sourceFile || e.documentURI}:${e.lineNumber}`,
      );
    },
    true,
  );
};

async function newContext(options) {
  const context = await browser.newContext({
    colorScheme: "light",
    reducedMotion: "reduce",
    deviceScaleFactor: 1,
    serviceWorkers: "block",
    ...options,
  });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
  await context.exposeBinding("__reportCsp", ({ frame }, text) => problem("CSP violation", text, frame?.url()));
  await context.addInitScript(CSP_PROBE);
  context.on("page", (p) => {
    watchPage(p);
    livePages.add(p);
  });
  return context;
}

const pendingOf = new WeakMap();
const livePages = new Set();

// Waits until the page has no request in flight (at most `ms`).
async function settle(page, ms = 3000) {
  const pending = pendingOf.get(page);
  const until = Date.now() + ms;
  while (pending && pending.size > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
}

function watchPage(page) {
  page.on("console", (message) => {
    const where = message.location()?.url;
    if (message.type() === "error") problem("console error", message.text(), where);
    else if (message.type() === "warning") warnings.push(`console warning: ${message.text()} (${where})`);
  });
  page.on("pageerror", (error) => problem("page error", error.stack || error.message, page.url()));
  // Requests in flight, so that a check can wait for the page to settle (the favicon is
  // fetched after `load`) before navigating away, which would abort them.
  const pending = new Set();
  pendingOf.set(page, pending);
  page.on("request", (request) => pending.add(request));
  page.on("requestfinished", (request) => pending.delete(request));
  page.on("requestfailed", (request) => {
    pending.delete(request);
    // Chromium fetches the favicon after `load`, and moving on to the next page may abort that
    // fetch: not the site's fault. A missing favicon still fails (net::ERR_FILE_NOT_FOUND, 404).
    if (request.failure()?.errorText === "net::ERR_ABORTED" && /\/assets\/favicon\.svg$/.test(request.url())) return;
    problem("failed request", request.failure()?.errorText ?? "failed", request.url());
  });
  page.on("response", (response) => {
    if (response.status() >= 400) problem(`HTTP ${response.status()}`, "error status", response.url());
  });
  page.on("crash", () => problem("crash", "the page crashed", page.url()));
}

// ---- checks -------------------------------------------------------------------------------
const results = [];
async function check(name, body) {
  problems = [];
  const started = Date.now();
  let failure = null;
  try {
    await body();
    for (const p of livePages) if (!p.isClosed()) await settle(p);
  } catch (error) {
    const text = (error instanceof Error ? error.message : String(error)).replace(/\x1b\[[0-9;]*m/g, "");
    failure = text.split("\n").filter((l) => l.trim()).slice(0, 8).join("\n    ");
  }
  if (problems.length) {
    const list = [...new Set(problems)].map((p) => `\n    ${p}`).join("");
    failure = (failure ? `${failure}\n    and ` : "") + `the browser reported:${list}`;
  }
  const ms = Date.now() - started;
  results.push({ name, failure });
  console.log(`${failure ? "FAIL" : "ok  "} ${name} (${ms} ms)${failure ? `\n    ${failure}` : ""}`);
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

async function shot(page, name) {
  const file = path.join(shotsDir, `${name}.png`);
  await page.screenshot({ path: file, animations: "disabled", caret: "hide" });
  return file;
}

// The oracle: which services the query should match, from the bundle (SPEC 4), over the
// fields the home page searches (name, title, description, tags, owner). The search index
// keeps a description's first 100 characters, whole words (site/search.rs, `excerpt`).
const teamTitle = new Map(bundle.teams.map((t) => [t.name, t.title || t.name]));
function excerpt(text, limit = 100) {
  let out = "";
  let count = 0;
  for (const word of (text || "").split(/\s+/).filter(Boolean)) {
    const needed = [...word].length + (count > 0 ? 1 : 0);
    if (count + needed > limit) return out;
    out += (count > 0 ? " " : "") + word;
    count += needed;
  }
  return out;
}
function expectedMatches(query) {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return bundle.services
    .filter((s) => {
      const hay = [s.name, s.title, excerpt(s.description), s.owner, teamTitle.get(s.owner), ...(s.tags || [])]
        .filter(Boolean)
        .join("\n")
        .toLowerCase();
      return words.every((w) => hay.includes(w));
    })
    .map((s) => s.name)
    .sort();
}

const homeRows = (page) =>
  page.$$eval("#service-rows tr", (rows) =>
    rows.map((tr) => {
      const a = tr.querySelector("th a");
      return a ? a.getAttribute("href").replace(/^.*services\//, "").replace(/\.html$/, "") : "";
    }),
  );

// Proves that the policy is in force on this page and that the probe sees violations: an
// inline script and a remote image must both be refused and reported.
async function proveCsp(page) {
  const before = problems.length;
  const ran = await page.evaluate(async () => {
    window.__inlineRan = false;
    const script = document.createElement("script");
    script.textContent = "window.__inlineRan = true;";
    document.head.appendChild(script);
    const img = document.createElement("img");
    img.src = "http://127.0.0.1:9/catalogc-e2e-probe.png";
    document.body.appendChild(img);
    await new Promise((r) => setTimeout(r, 300));
    img.remove();
    script.remove();
    return window.__inlineRan;
  });
  const seen = problems.splice(before);
  assert(!ran, "an inline script ran: the Content-Security-Policy is not in force");
  assert(seen.some((p) => p.startsWith("CSP violation") && p.includes("script-src")), `an inline script was not reported as a CSP violation (got: ${seen.join("; ") || "nothing"})`);
  assert(seen.some((p) => p.startsWith("CSP violation") && p.includes("img-src")), `a remote image was not reported as a CSP violation (got: ${seen.join("; ") || "nothing"})`);
}

async function openHome(page, url) {
  await page.goto(url, { waitUntil: "load" });
  // Once it has read the search index, site.js un-hides the filters and turns the column
  // headers into sort buttons (the form's visibility alone proves nothing: a CSS `display`
  // can override `hidden`).
  await page.locator("#services thead button.sort").first().waitFor({ state: "visible" }).catch(() => {
    throw new Error("site.js did not set up the service list (no sort buttons): is assets/search-index.js loaded?");
  });
  assert(!(await page.$eval("#filters", (f) => f.hidden)), "site.js did not un-hide the search and filters form");
  const rows = await homeRows(page);
  const status = (await page.locator("#status").textContent()).trim();
  assert(rows.length === bundle.services.length || rows.length === Math.min(bundle.services.length, 200),
    `the home page lists ${rows.length} services; the bundle has ${bundle.services.length}`);
  assert(status.startsWith(`${bundle.services.length} services`), `status text before searching: "${status}"`);
  return rows;
}

// Types QUERY into the search box (focused with `/` when the page has the shortcut) and checks
// the filtered list against the oracle.
async function searchHome(page, { viaShortcut }) {
  const before = await homeRows(page);
  const box = page.locator("#q");
  if (viaShortcut) {
    await page.locator("body").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("/");
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
    assert(focused === "q", `the "/" shortcut focused ${focused ? `#${focused}` : "nothing"}, not the search box #q`);
    await page.keyboard.type(QUERY, { delay: 20 });
  } else {
    await box.fill(QUERY);
  }
  const expected = expectedMatches(QUERY);
  const total = bundle.services.length;
  await page
    .locator("#status")
    .filter({ hasText: `${expected.length} of ${total} services match` })
    .waitFor()
    .catch(async () => {
      const status = (await page.locator("#status").textContent()).trim();
      throw new Error(`status text after searching "${QUERY}" is "${status}", not "${expected.length} of ${total} services match"`);
    });
  const after = (await homeRows(page)).slice().sort();
  assert(after.length < before.length, `searching "${QUERY}" did not shrink the list (${before.length} → ${after.length})`);
  assert(after.includes(SERVICE), `"${SERVICE}" is not listed after searching "${QUERY}": ${after.join(", ")}`);
  const hidden = bundle.services.map((s) => s.name).filter((n) => !expected.includes(n));
  const leaked = hidden.filter((n) => after.includes(n));
  assert(hidden.length > 0, `the oracle matches every service for "${QUERY}": pick another query`);
  assert(leaked.length === 0, `services unrelated to "${QUERY}" are still listed: ${leaked.join(", ")}`);
  assert(JSON.stringify(after) === JSON.stringify(expected),
    `listed after searching "${QUERY}": ${after.join(", ")}; expected (from catalog.json): ${expected.join(", ")}`);
  return after;
}

// Every relative link of every page must resolve to a file of the bundle and, with a
// fragment, to an element with that id (fragments holding `=` are the list's filter state).
function checkLinks(pages, root) {
  const broken = [];
  const outside = new Set();
  for (const [file, { links }] of pages) {
    for (const href of links) {
      const url = new URL(href);
      if (url.protocol !== "file:") continue;
      const target = fileURLToPath(url);
      if (!fs.existsSync(target)) {
        broken.push(`${path.relative(root, file)} → ${href.replace(pathToFileURL(root).href, "site")} (no such file)`);
        continue;
      }
      if (!target.startsWith(root + path.sep)) {
        outside.add(`${path.relative(root, file)} → ${path.relative(root, target)}`);
        continue;
      }
      const fragment = decodeURIComponent(url.hash.slice(1));
      if (!fragment || fragment.includes("=") || !target.endsWith(".html")) continue;
      const ids = pages.get(target)?.ids;
      if (ids && !ids.includes(fragment)) broken.push(`${path.relative(root, file)} → ${path.relative(root, target)}#${fragment} (no element with that id)`);
    }
  }
  for (const o of outside) warnings.push(`link leaves site/ (breaks when only site/ is hosted): ${o}`);
  return broken;
}

function listHtml(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listHtml(full));
    else if (entry.name.endsWith(".html")) out.push(full);
  }
  return out.sort();
}

// A static file server for SITE_DIR on 127.0.0.1 and a random port, sending no CSP header:
// the pages' <meta> policy is the one tested.
const TYPES = { ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml", ".png": "image/png", ".json": "application/json", ".ico": "image/x-icon" };
function serve(root) {
  return new Promise((resolve, reject) => {
    const s = http.createServer((req, res) => {
      let rel;
      try {
        rel = decodeURIComponent(new URL(req.url, "http://x").pathname);
      } catch {
        res.writeHead(400).end();
        return;
      }
      if (rel.endsWith("/")) rel += "index.html";
      const file = path.join(root, path.normalize(rel));
      if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
        res.writeHead(404, { "content-type": "text/plain" }).end("not found");
        return;
      }
      res.writeHead(200, { "content-type": TYPES[path.extname(file)] || "application/octet-stream", "cache-control": "no-store" });
      fs.createReadStream(file).pipe(res);
    });
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => resolve(s));
  });
}

// ---- the run ------------------------------------------------------------------------------
const fileUrl = (rel) => pathToFileURL(path.join(SITE, rel)).href;
const service = bundle.services.find((s) => s.name === SERVICE);
if (!service) usage(`catalog.json has no service "${SERVICE}": SITE_DIR must be built from catalog-example`);
const owner = bundle.teams.find((t) => t.name === service.owner);
const unmapped = bundle.resources.filter((r) => !r.mappedBy || r.mappedBy.length === 0);

const t0 = Date.now();
try {
  browser = await chromium.launch({
    executablePath,
    timeout: 30_000,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
} catch (error) {
  console.error(`site.test: FAILED: cannot start Chromium at ${executablePath}: ${error.message}`);
  process.exit(1);
}
console.log(`site.test: ${SITE} in Chromium ${browser.version()}; screenshots in ${path.relative(process.cwd(), shotsDir) || "."}`);

const desktop = await newContext({ viewport: DESKTOP });
const page = await desktop.newPage();

await check("file:// home page loads and lists every service", async () => {
  await openHome(page, fileUrl("index.html"));
  await shot(page, "home");
});

await check("file:// the Content-Security-Policy is in force (an inline script and a remote image are refused)", async () => {
  await openHome(page, fileUrl("index.html"));
  await proveCsp(page);
});

await check(`file:// search "${QUERY}" filters the list ("/" shortcut)`, async () => {
  await openHome(page, fileUrl("index.html"));
  await searchHome(page, { viaShortcut: true });
  await shot(page, "home-filtered");
});

await check(`file:// service page of ${SERVICE}: neighbourhood picture and scorecard tables`, async () => {
  await openHome(page, fileUrl("index.html"));
  await searchHome(page, { viaShortcut: false });
  await Promise.all([page.waitForURL(/services\/checkout\.html$/), page.locator(`#service-rows a[href$="services/${SERVICE}.html"]`).first().click()]);
  await page.waitForLoadState("load");
  const h1 = (await page.locator("h1").textContent()).trim();
  assert(h1 === (service.title || service.name), `the service page's h1 is "${h1}", expected "${service.title}"`);
  const svg = page.locator("#dependencies svg");
  assert((await svg.count()) === 1, `the Dependencies section has ${await svg.count()} SVG pictures, expected 1`);
  await svg.waitFor({ state: "visible" });
  const box = await svg.boundingBox();
  assert(box && box.width > 100 && box.height > 100, `the neighbourhood picture is ${box ? `${box.width}×${box.height}` : "not laid out"}`);
  const neighbours = new Set([...service.dependsOn, ...service.dependents]);
  const drawn = await svg.locator("a").evaluateAll((as) => as.map((a) => a.getAttribute("href") || a.getAttribute("xlink:href")));
  for (const n of neighbours) {
    assert(drawn.some((h) => h && h.endsWith(`${n}.html`)), `the neighbourhood picture has no link to direct neighbour ${n} (links: ${drawn.join(", ")})`);
  }
  const tables = page.locator("#scorecards table.criteria");
  const expectedCards = (service.scores || []).length;
  assert((await tables.count()) === expectedCards, `${await tables.count()} scorecard tables, expected ${expectedCards} (one per score in catalog.json)`);
  assert(expectedCards > 0, `${SERVICE} has no scores in catalog.json`);
  const criteria = await page.locator("#scorecards table.criteria tbody tr").count();
  const expectedCriteria = service.scores.reduce((n, s) => n + s.criteria.length, 0);
  assert(criteria === expectedCriteria, `${criteria} criterion rows, expected ${expectedCriteria}`);
  await shot(page, "service");
  await page.locator("#dependencies").scrollIntoViewIfNeeded();
  await page.evaluate(() => document.getElementById("dependencies").scrollIntoView({ block: "start" }));
  await shot(page, "service-dependencies");
});

await check(`file:// owner link leads to the team page of ${service.owner}`, async () => {
  await page.goto(fileUrl(`services/${SERVICE}.html`));
  const link = page.locator("#about dd").first().locator('a[href*="teams/"]').first();
  await Promise.all([page.waitForURL(new RegExp(`teams/${service.owner}\\.html$`)), link.click()]);
  await page.waitForLoadState("load");
  const h1 = (await page.locator("h1").textContent()).trim();
  assert(h1 === owner.title, `the team page's h1 is "${h1}", expected "${owner.title}"`);
  const owned = await page.locator('a[href$="services/checkout.html"]').count();
  assert(owned > 0, `the team page of ${service.owner} does not link to ${SERVICE}`);
  for (const name of owner.services) {
    assert((await page.locator(`a[href$="services/${name}.html"]`).count()) > 0, `the team page does not list owned service ${name}`);
  }
  await shot(page, "team");
});

await check("file:// header search on another page: \"/\" then Enter opens the filtered list", async () => {
  await page.goto(fileUrl(`teams/${service.owner}.html`));
  await page.locator("body").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("/");
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  assert(focused === "jump", `the "/" shortcut focused ${focused ? `#${focused}` : "nothing"}, not the header search #jump`);
  await page.keyboard.type(QUERY);
  await Promise.all([page.waitForURL(/index\.html\?q=/), page.keyboard.press("Enter")]);
  await page.locator("#filters").waitFor({ state: "visible" });
  const expected = expectedMatches(QUERY);
  await page.locator("#status").filter({ hasText: `${expected.length} of ${bundle.services.length} services match` }).waitFor();
  assert((await page.locator("#q").inputValue()) === QUERY, "the home page's search box does not show the query");
});

await check(`file:// resources page lists the ${unmapped.length} unmapped resources`, async () => {
  await page.goto(fileUrl("resources.html"));
  assert(unmapped.length > 0, "catalog-example has no unmapped resource to check");
  const rows = await page.locator("#unmapped tbody tr").count();
  assert(rows === unmapped.length, `#unmapped lists ${rows} resources; catalog.json has ${unmapped.length} unmapped`);
  const text = await page.locator("#unmapped").textContent();
  const missing = unmapped.filter((r) => !text.includes(r.key)).map((r) => r.key);
  assert(missing.length === 0, `unmapped resources missing from #unmapped: ${missing.join(", ")}`);
});

await check("file:// graph page has the organisation's SVG with links to services", async () => {
  await page.goto(fileUrl("graph.html"));
  const svg = page.locator("main svg").first();
  await svg.waitFor({ state: "visible" });
  const links = await page.locator("main svg a").count();
  assert(links > 0, "the graph's SVG has no links");
});

await check("file:// phone width (390×844): home page fits and searches", async () => {
  const phone = await newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
  try {
    const p = await phone.newPage();
    await openHome(p, fileUrl("index.html"));
    await shot(p, "home-phone");
    const width = await p.evaluate(() => document.documentElement.scrollWidth);
    assert(width <= PHONE.width, `the page is ${width} px wide at a ${PHONE.width} px viewport (horizontal scrolling)`);
    await searchHome(p, { viaShortcut: false });
  } finally {
    await phone.close();
  }
});

const crawled = new Map();
await check("file:// every page loads cleanly and its relative links resolve", async () => {
  const files = listHtml(SITE);
  const failures = [];
  for (const file of files) {
    await settle(page);
    const before = problems.length;
    await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
    const data = await page.evaluate(() => ({
      // HTML and SVG anchors alike (an SVG <a> has an SVGAnimatedString href).
      links: [...document.querySelectorAll("a, link[href], script[src], img[src]")]
        .map((e) => e.getAttribute("href") ?? e.getAttribute("xlink:href") ?? e.getAttribute("src"))
        .filter((h) => h !== null)
        .map((h) => new URL(h, document.baseURI).href),
      ids: [...document.querySelectorAll("[id]")].map((e) => e.id),
      forms: [...document.querySelectorAll("form[action]")].map((f) => f.action),
      inlineHandlers: [...document.querySelectorAll("*")].flatMap((e) => [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${e.tagName}[${a.name}]`)),
    }));
    crawled.set(file, { links: [...data.links, ...data.forms].filter((h) => typeof h === "string"), ids: data.ids });
    if (data.inlineHandlers.length) failures.push(`${path.relative(SITE, file)} has inline handlers: ${data.inlineHandlers.join(", ")}`);
    await settle(page);
    if (problems.length > before) problems.splice(before, 0, `— on ${path.relative(SITE, file)}:`);
  }
  const broken = checkLinks(crawled, SITE);
  failures.push(...broken.map((b) => `broken link: ${b}`));
  assert(failures.length === 0, `${files.length} pages checked:\n${failures.join("\n")}`);
});

await desktop.close();

// Over http: the same home page, search and a click through, from a static server.
try {
  server = await serve(SITE);
  const base = `http://127.0.0.1:${server.address().port}/`;
  const httpContext = await newContext({ viewport: DESKTOP });
  const p = await httpContext.newPage();
  await check(`http home page loads, its Content-Security-Policy in force (${base})`, async () => {
    await openHome(p, `${base}index.html`);
    await proveCsp(p);
  });
  await check(`http search "${QUERY}" filters the list ("/" shortcut) and opens the service page`, async () => {
    await openHome(p, `${base}index.html`);
    await searchHome(p, { viaShortcut: true });
    await Promise.all([p.waitForURL(/services\/checkout\.html$/), p.locator(`#service-rows a[href$="services/${SERVICE}.html"]`).first().click()]);
    await p.waitForLoadState("load");
    await p.locator("#dependencies svg").waitFor({ state: "visible" });
    assert((await p.locator("#scorecards table.criteria").count()) > 0, "no scorecard table over http");
  });
  await httpContext.close();
} finally {
  if (server) server.close();
}

await browser.close();
clearTimeout(watchdog);

for (const w of [...new Set(warnings)]) console.log(`note: ${w}`);
const failed = results.filter((r) => r.failure);
const seconds = ((Date.now() - t0) / 1000).toFixed(1);
console.log(`site.test: screenshots in ${shotsDir}: ${fs.readdirSync(shotsDir).filter((f) => f.endsWith(".png")).sort().join(", ")}`);
console.log(`site.test: ${seconds} s`);
console.log(`\nbrowser: ${results.length - failed.length} passed, ${failed.length} failed`);
if (failed.length) {
  console.error(`site.test: FAILED: ${failed.map((r) => r.name).join("; ")}`);
  process.exit(1);
}
