// Drives one headless Firefox ESR over WebDriver BiDi (puppeteer-core; Debian has no geckodriver) for the Java
// end-to-end tests: argv[2] is the page to open, argv[3] the origin to treat as secure. Then, one JSON request per
// stdin line, {id, body, args}: the script body runs in the page (it may return a promise) and one JSON line
// {id, value} or {id, error} answers on stdout. Closing stdin closes the browser.
'use strict';
const puppeteer = require('puppeteer-core');
const readline = require('readline');

const [, , url, secureHost] = process.argv;
const prefs = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'media.peerconnection.ice.loopback': true,
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  // getUserMedia needs a secure context; the node serves plain HTTP on the test network's address.
  'dom.securecontext.allowlist': secureHost,
  'media.devices.insecure.enabled': true,
  'media.getusermedia.insecure.enabled': true,
};

function answer(message) {
  process.stdout.write(JSON.stringify(message) + '\n');
}

(async () => {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: process.env.FIREFOX || '/usr/bin/firefox-esr',
    headless: true,
    extraPrefsFirefox: prefs,
  });
  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    await browser.close().catch(() => {});
    process.exit(0);
  };
  const page = await browser.newPage();
  await page.goto(url);
  answer({ id: 0, value: await browser.version() });
  const lines = readline.createInterface({ input: process.stdin });
  lines.on('line', async (line) => {
    const { id, body, args } = JSON.parse(line);
    const expression = `(async () => JSON.stringify(await (function () { ${body}\n }).apply(null, `
        + `${JSON.stringify(args || [])}) ?? null))()`;
    try {
      answer({ id, value: JSON.parse(await page.evaluate(expression)) });
    } catch (e) {
      answer({ id, error: String(e && e.message || e) });
    }
  });
  lines.on('close', close);
  process.on('SIGTERM', close);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
