// Call setup benchmark driver (load-tests/bench-call-setup.sh runs it inside the benchmark's network namespace).
// One headless Chromium (puppeteer-core over a pipe); per repetition and per case, a fresh browser context opens
// `tabs` demo pages of a new room with ?relay=1 at once, and each tab's time from page open to every peer connected
// (a selected pair towards each of the other tabs) is one sample. Cases alternate within a repetition so that both
// servers see the same background load. Writes one TSV line per tab to stdout:
//   case  tabs  repetition  tab  ms  relayProtocols(comma-separated, one per peer)
// argv: a JSON array of cases {name, base, tabs}, repetitions, a deadline in seconds, a tiny .y4m path.
'use strict';
const puppeteer = require('puppeteer-core');

const [, , casesJson, repsArg, limitArg, y4m] = process.argv;
const cases = JSON.parse(casesJson);
const repetitions = Number(repsArg);
const deadline = Date.now() + Number(limitArg) * 1000;
const ROOM_TIMEOUT_MS = 90000;

// Per peer: connection state and the selected pair's local candidate (relayProtocol), straight from getStats().
const PAIRS = async () => {
  const demo = window.greenmeshDemo;
  if (!demo) return [];
  return Promise.all([...demo.client._peers.values()].map(async (p) => {
    if (!p.pc || p.pc.connectionState !== 'connected') return null;
    const report = await p.pc.getStats();
    let pair = null;
    report.forEach((s) => {
      if (s.type === 'transport' && s.selectedCandidatePairId) pair = report.get(s.selectedCandidatePairId);
    });
    const local = pair && report.get(pair.localCandidateId);
    return local ? `${local.candidateType}/${local.relayProtocol || local.protocol}` : null;
  }));
};

async function room(browser, c, rep) {
  const context = await browser.createBrowserContext();
  const roomName = `bench-${c.name}-${c.tabs}-${rep}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    const pages = [];
    for (let i = 0; i < c.tabs; i++) pages.push(await context.newPage());
    const results = await Promise.all(pages.map(async (page, i) => {
      const opened = Date.now();
      await page.goto(`${c.base}/${roomName}?name=T${i}&relay=1`);
      while (Date.now() - opened < ROOM_TIMEOUT_MS) {
        const pairs = await page.evaluate(PAIRS).catch(() => []);
        if (pairs.length === c.tabs - 1 && pairs.every((p) => p)) return { ms: Date.now() - opened, pairs };
        await new Promise((r) => setTimeout(r, 50));
      }
      return { ms: -1, pairs: [] };
    }));
    results.forEach((r, i) => {
      process.stdout.write([c.name, c.tabs, rep, i, r.ms, r.pairs.join(',') || '-'].join('\t') + '\n');
    });
  } finally {
    await context.close().catch(() => {});
  }
}

(async () => {
  const origins = [...new Set(cases.map((c) => new URL(c.base).origin))].join(',');
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    pipe: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${y4m}`,
      '--disable-background-timer-throttling', '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows', '--disable-features=WebRtcHideLocalIpsWithMdns',
      '--allow-loopback-in-peer-connection', `--unsafely-treat-insecure-origin-as-secure=${origins}`],
  });
  try {
    for (let rep = 1; rep <= repetitions && Date.now() < deadline; rep++) {
      // Alternate which server goes first, so that neither always meets a warm (or a busier) machine.
      const order = rep % 2 ? cases : [...cases].reverse();
      for (const c of order) {
        if (Date.now() >= deadline) break;
        await room(browser, c, rep);
      }
    }
  } finally {
    await browser.close().catch(() => {});
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
