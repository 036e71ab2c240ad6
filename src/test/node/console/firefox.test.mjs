// The console in Debian's Firefox ESR, driven over WebDriver BiDi (the standard protocol Firefox
// speaks itself; playwright-core's Firefox needs its own patched build). Run with
// --experimental-websocket on Node 20. It signs in, and checks that the overview, the mail list, a
// template's preview and sign-out work: the console's module, DOM calls and styles in a second engine.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const base = process.env.MG_BASE;
const firefoxPath = process.env.FIREFOX || '/usr/bin/firefox-esr';
let firefox;
let profile;
let socket;
let context;
let nextId = 1;
const waiting = new Map();

function send(method, params) {
  const id = nextId++;
  socket.send(JSON.stringify({ id, method, params }));
  return new Promise((resolve, reject) => waiting.set(id, { resolve, reject, method }));
}

async function evaluate(expression) {
  const answer = await send('script.evaluate', { expression, target: { context }, awaitPromise: true });
  if (answer.type === 'exception') throw new Error(`${expression}: ${answer.exceptionDetails.text}`);
  return answer.result.value;
}

async function until(what, expression, seconds = 20) {
  const deadline = Date.now() + seconds * 1000;
  let last;
  while (Date.now() < deadline) {
    last = await evaluate(expression);
    if (last) return last;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.fail(`timed out waiting for ${what} (last: ${last}); the page says: ${await evaluate("document.querySelector('main')?.innerText")}`);
}

before(async () => {
  profile = mkdtempSync(join(tmpdir(), 'mailgate-firefox-'));
  firefox = spawn(firefoxPath, ['--headless', '--no-remote', '--profile', profile, '--remote-debugging-port=0'],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  const url = await new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`Firefox did not start its WebDriver BiDi server: ${seen}`)), 60000);
    firefox.stderr.on('data', (chunk) => {
      seen += chunk.toString();
      const match = seen.match(/WebDriver BiDi listening on (ws:\/\/[^\s]+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  socket = new WebSocket(`${url}/session`);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    const pending = waiting.get(message.id);
    if (!pending) return;
    waiting.delete(message.id);
    if (message.type === 'error') pending.reject(new Error(`${pending.method}: ${message.error} ${message.message}`));
    else pending.resolve(message.result);
  };
  await send('session.new', { capabilities: {} });
  context = (await send('browsingContext.getTree', {})).contexts[0].context;
});

after(async () => {
  try {
    await send('browser.close', {});
  } catch {
    // already gone
  }
  socket?.close();
  firefox?.kill();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

test('the console works in Firefox: sign in, overview, mails, a template preview, sign out', async () => {
  await send('browsingContext.navigate', { context, url: `${base}/console`, wait: 'complete' });
  await until('the sign-in page', "document.querySelector('h1')?.textContent === 'Sign in to Mailgate'");
  await evaluate(`(() => {
    const kind = document.getElementById('kind');
    kind.value = 'user';
    document.getElementById('name').value = ${JSON.stringify(process.env.MG_USER)};
    document.getElementById('secret').value = ${JSON.stringify(process.env.MG_PASSWORD)};
    document.querySelector('form').requestSubmit();
    return true;
  })()`);
  await until('the overview', "document.querySelector('main h1')?.textContent === 'Overview' && !!document.querySelector('svg.chart')");
  assert.equal(await evaluate('document.cookie'), '', 'the session cookie is HttpOnly in Firefox too');

  await evaluate("location.hash = '#/mails'; true");
  await until('the mail list', "!!document.querySelector('main table') || !!document.querySelector('main .empty')");

  await evaluate("location.hash = '#/templates'; true");
  await until('the template list', "document.querySelector('main table a') !== null");
  await evaluate("document.querySelector('main table a').click(); true");
  await until('a template preview', "!!document.querySelector('iframe.preview')?.getAttribute('src')");
  const framed = await evaluate("document.querySelector('iframe.preview').getAttribute('sandbox')");
  assert.equal(framed, '', 'the preview frame is sandboxed');

  await evaluate("document.getElementById('sign-out').click(); true");
  await until('the sign-in page again', "document.querySelector('h1')?.textContent === 'Sign in to Mailgate'");
  assert.equal(await evaluate("fetch('/console/api/overview').then((r) => r.status)"), 401);
});
