// The chart page of a real node in Debian's headless Chromium, driven by playwright-core
// (tests/integration/live/chart.sh): the page loads, candles are drawn (pixels of the candle
// colours on the chart's canvases), the last candle changes as events arrive over the WebSocket,
// switching the interval reloads the history, and no script error occurs. The screenshot is kept.
// Usage: node chart_test.mjs URL SCREENSHOT.png
import { createRequire } from "node:module";
const require = createRequire(new URL("../../../actors/http_gateway/web/package.json", import.meta.url));
const { chromium } = require("playwright-core");

const [url, screenshot] = process.argv.slice(2);
const failures = [];
const check = (ok, what) => { if (!ok) { failures.push(what); console.log("FAIL " + what); } return ok; };

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  // No network but loopback here: Chromium's own background connections are turned off.
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await page.goto(url, { waitUntil: "load" });
  const state = () => page.evaluate(() => ({ ...window.chartState, last: window.chartState.last && { ...window.chartState.last } }));

  // History drawn and the socket live.
  await page.waitForFunction(() => window.chartState && window.chartState.bars > 0 && window.chartState.connected, null, { timeout: 30000 });
  let s = await state();
  console.log(`loaded ${s.symbol} ${s.interval}: ${s.bars} bars, socket live`);
  // Candles on the canvas: pixels of the up or down colour.
  const coloured = await page.evaluate(() => {
    let n = 0;
    for (const c of document.querySelectorAll("#chart canvas")) {
      const ctx = c.getContext("2d");
      if (!ctx || !c.width || !c.height) continue;
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      for (let i = 0; i < d.length; i += 4)
        if ((d[i] === 38 && d[i + 1] === 166 && d[i + 2] === 154) || (d[i] === 239 && d[i + 1] === 83 && d[i + 2] === 80)) n++;
    }
    return n;
  });
  check(coloured > 50, `candles drawn: ${coloured} pixels of the candle colours`);

  // The last candle changes as events arrive.
  const before = s.last;
  const deadline = Date.now() + 20000;
  let changed = false;
  while (Date.now() < deadline && !changed) {
    await page.waitForTimeout(250);
    const now = (await state()).last;
    changed = now && (now.openTime !== before.openTime || now.volume !== before.volume || now.close !== before.close);
  }
  s = await state();
  check(changed, `the last candle changed within 20 s (updates received: ${s.updates})`);
  console.log(`live: ${s.updates} updates, last ${s.last.openTime} volume ${s.last.volume} ${s.last.closed ? "final" : "forming"}`);

  // Switching the interval reloads.
  const loads = s.loads;
  const other = await page.evaluate((cur) => [...document.querySelectorAll(".intervals button")].map((b) => b.dataset.iv).find((iv) => iv !== cur), s.interval);
  if (check(!!other, "a second interval to switch to")) {
    await page.click(`.intervals button[data-iv="${other}"]`);
    await page.waitForFunction(([iv, n]) => window.chartState.interval === iv && window.chartState.loads > n && window.chartState.bars > 0,
                               [other, loads], { timeout: 15000 });
    s = await state();
    check(s.loads > loads && s.last.interval === other, `switching to ${other} reloaded (loads ${loads} -> ${s.loads})`);
    check(new URL(page.url()).searchParams.get("interval") === other, "the URL names the interval shown");
    await page.waitForTimeout(1500); // a live update of the new interval arrives
    console.log(`switched to ${other}: ${s.bars} bars`);
  }
  await page.screenshot({ path: screenshot });
  console.log(`screenshot: ${screenshot}`);
  check(errors.length === 0, `no script error (${errors.join("; ")})`);
} finally {
  await browser.close();
}
console.log(failures.length ? `${failures.length} check(s) failed` : "chart: all checks passed");
process.exit(failures.length ? 1 : 0);
