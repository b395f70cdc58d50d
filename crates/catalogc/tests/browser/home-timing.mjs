// Times the home page of a built site in headless Chromium: from navigation to an
// interactive service list (site.js has set up the sort buttons), and a search.
// Usage: node crates/catalogc/tests/browser/home-timing.mjs DIST/site   (absolute path)
import { chromium } from "playwright-core";
const site = process.argv[2];
if (!site) { console.error("usage: home-timing.mjs SITE_DIR (absolute)"); process.exit(2); }
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless","--no-sandbox","--disable-gpu","--disable-quic","--no-first-run","--disable-background-networking","--disable-component-update","--disable-sync"] });
for (let i = 0; i < 4; i++) {
  const page = await browser.newPage();
  const t0 = Date.now();
  await page.goto(`file://${site}/index.html`);
  await page.locator("#services thead button.sort").first().waitFor({ state: "visible" });
  const ready = Date.now() - t0;
  const t1 = Date.now();
  await page.fill("#q", "payments");
  await page.waitForFunction(() => /of 10000|of 10,000/.test(document.querySelector("#status")?.textContent || ""));
  const search = Date.now() - t1;
  const status = await page.locator("#status").textContent();
  console.log(`load→interactive ${ready} ms, search ${search} ms: ${status}`);
  await page.close();
}
await browser.close();
