// The operator console in a real browser: Debian's Chromium driven by playwright-core (no browser
// download), against a running Mailgate that ConsoleBrowserIT starts and describes in the environment.
// Every page is checked with axe-core (no serious or critical violation) and photographed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const base = process.env.MG_BASE;
const shots = process.env.MG_SCREENSHOTS;
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
mkdirSync(shots, { recursive: true });

let browser;

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
});

/** The API as the Java side's root client calls it (setting things up, checking outcomes). */
async function api(path, options = {}) {
  const response = await fetch(base + path, {
    method: options.method || 'GET',
    headers: { Authorization: `Bearer ${process.env.MG_TOKEN}`, 'Content-Type': 'application/json' },
    body: options.json ? JSON.stringify(options.json) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

async function until(what, check, seconds = 30) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  assert.fail(`timed out waiting for ${what}`);
}

async function accessible(page, name) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const outcome = await axe.run(document, { resultTypes: ['violations'] });
    return outcome.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  });
  const serious = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(serious, [], `${name}: accessibility violations ${JSON.stringify(serious)}`);
}

async function signIn(page, user, password) {
  await page.goto(`${base}/console`);
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  try {
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor({ timeout: 15000 });
  } catch (e) {
    assert.fail(`signing in as ${user} did not reach the overview; the page says: ${await page.locator('main').innerText()}`);
  }
}

test('without a session nothing is shown but the sign-in form, and the API refuses', async () => {
  const page = await browser.newPage();
  const response = await page.goto(`${base}/console`);
  const policy = response.headers()['content-security-policy'];
  assert.match(policy, /script-src 'self'/);
  assert.match(policy, /frame-ancestors 'none'/);
  await page.getByRole('heading', { name: 'Sign in to Mailgate' }).waitFor();
  assert.equal(await page.locator('nav').isVisible(), false);
  await accessible(page, 'sign-in');
  await page.screenshot({ path: `${shots}/sign-in.png` });
  const overview = await page.evaluate(async () => (await fetch('/console/api/overview')).status);
  assert.equal(overview, 401);
  await page.getByLabel('User name').fill(process.env.MG_USER);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').textContent(), /not right/);
  await page.close();
});

test('an operator signs in, finds a mail by recipient, previews it, replays its dead letter and signs out', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const signInAnswer = page.waitForResponse((r) => r.url().endsWith('/console/api/session') && r.request().method() === 'POST');
  await signIn(page, process.env.MG_USER, process.env.MG_PASSWORD);
  const cookie = (await (await signInAnswer).allHeaders())['set-cookie'];
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  assert.doesNotMatch(cookie, /Secure/, 'served over plain http here');
  assert.equal(await page.evaluate(() => document.cookie), '', 'the session cookie is out of the scripts\' reach');
  await accessible(page, 'overview');

  // A mail sent through the API, found in the console by its recipient.
  const recipient = `find-me-${Date.now()}@example.com`;
  const sent = await api('/mail/v1/', { method: 'POST', json: { recipients: { to: [recipient] }, subject: 'Console test mail',
    body: 'Hello from the console test' } });
  assert.equal(sent.status, 200);
  await until('the mail to be sent', async () => (await api(`/mail/v1/?eq(id,${sent.body.id})`)).body.data[0].status === 'sent');
  await page.getByRole('link', { name: 'Mails' }).click();
  await page.getByLabel('Recipient').fill(recipient);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('link', { name: 'Console test mail' }).click();
  await page.getByRole('heading', { name: 'Console test mail' }).waitFor();
  const frame = page.locator('iframe.preview');
  assert.equal(await frame.getAttribute('sandbox'), '', 'the preview runs no script');
  await page.frameLocator('iframe.preview').getByText('Hello from the console test').waitFor();
  assert.match(await page.locator('pre.text').textContent(), /Hello from the console test/);
  await page.locator('ol.history').getByText('Sent through smtp').waitFor();
  await accessible(page, 'mail');
  await page.screenshot({ path: `${shots}/mail.png`, fullPage: true });
  await page.getByRole('link', { name: '← Mails' }).click();
  await accessible(page, 'mails');
  await page.screenshot({ path: `${shots}/mails.png`, fullPage: true });

  // The provider refuses a mail for good: a dead letter; replayed from the console, it goes out.
  const dead = await api('/mail/v1/', { method: 'POST', json: { recipients: { to: [process.env.MG_DEAD_ADDRESS] },
    subject: 'Refused at first', body: 'x' } });
  const deadId = dead.body.id;
  await until('the mail to fail', async () => (await api(`/mail/v1/?eq(id,${deadId})`)).body.data[0].status === 'failed');
  await page.getByRole('link', { name: 'Dead letters' }).click();
  await page.getByRole('link', { name: deadId }).waitFor();
  const row = page.locator('tr', { has: page.getByRole('link', { name: deadId }) });
  assert.match(await row.textContent(), /554/);
  await accessible(page, 'dead letters');
  await page.screenshot({ path: `${shots}/dead-letters.png`, fullPage: true });
  await row.getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Replay selected' }).click();
  await row.getByText(/replayed/).waitFor();
  await until('the replayed mail to be sent', async () => (await api(`/mail/v1/?eq(id,${deadId})`)).body.data[0].status === 'sent');

  // Suppressions: the page, and a change refused without the CSRF token.
  await page.getByRole('link', { name: 'Suppressions' }).click();
  await page.getByRole('heading', { name: 'Suppressions' }).waitFor();
  await accessible(page, 'suppressions');
  const listed = (email) => page.evaluate(async (address) => (await (await fetch(`/api/v1/suppressions?email=${address}`)).json()).total,
    email);
  const forged = await page.evaluate(async () => (await fetch('/api/v1/suppressions', { method: 'POST',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: 'csrf@example.com' }) })).status);
  assert.equal(forged, 403, 'a change without the CSRF token is refused');
  const wrong = await page.evaluate(async () => (await fetch('/api/v1/suppressions', { method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': 'guessed' }, body: JSON.stringify({ email: 'csrf@example.com' }) })).status);
  assert.equal(wrong, 403, 'nor with a wrong one');
  assert.equal(await listed('csrf@example.com'), 0, 'nothing was added');
  await page.getByLabel('Address', { exact: true }).fill('console-added@example.com');
  await page.getByRole('button', { name: 'Suppress' }).click();
  await page.getByText('console-added@example.com', { exact: true }).waitFor();
  assert.equal(await listed('console-added@example.com'), 1);

  await page.getByRole('link', { name: 'Providers' }).click();
  await page.getByRole('heading', { name: 'Providers' }).waitFor();
  await page.getByLabel('Send test mails to').fill('provider-test@example.com');
  await page.getByRole('button', { name: 'Send test mail through smtp' }).click();
  await page.getByText(/^Sent \(/).waitFor();
  await accessible(page, 'providers');
  await page.screenshot({ path: `${shots}/providers.png`, fullPage: true });

  // The overview again, now that mails went through; then on a phone: the same page, in one column.
  await page.getByRole('link', { name: 'Overview' }).click();
  await page.getByText('median latency, last hour').waitFor();
  await accessible(page, 'overview with mails');
  await page.screenshot({ path: `${shots}/overview.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole('link', { name: 'Overview' }).click();
  await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
  await page.screenshot({ path: `${shots}/overview-phone.png`, fullPage: true });

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in to Mailgate' }).waitFor();
  assert.equal(await page.evaluate(async () => (await fetch('/console/api/overview')).status), 401, 'signed out for good');
  await context.close();
});

test('a user without a scope neither sees nor does what needs it', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, process.env.MG_READER, process.env.MG_READER_PASSWORD);
  assert.equal(await page.getByRole('link', { name: 'Mails' }).isVisible(), true);
  assert.equal(await page.getByRole('link', { name: 'Dead letters' }).isVisible(), false);
  assert.equal(await page.getByRole('link', { name: 'Suppressions' }).isVisible(), false);
  await page.goto(`${base}/console#/dead-letters`);
  await page.getByRole('alert').waitFor();
  const csrf = (await (await page.request.get(`${base}/console/api/session`)).json()).csrf_token;
  const replay = await page.evaluate(async (token) => (await fetch('/api/v1/dead-letters/000000000000000000000000/replay',
    { method: 'POST', headers: { 'X-CSRF-Token': token } })).status, csrf);
  assert.equal(replay, 403, 'replaying needs deadletter:replay');
  await context.close();
});

test('an operator edits a template: a syntax error is shown in place, the preview follows each edit and language', async () => {
  const suffix = Date.now();
  const key = `console_greeting_${suffix}`;
  assert.equal((await api('/localizations/v1/', { method: 'POST', json: { localizations: [
    { key, text: { EN: 'Hello {{name}}', NL: 'Hallo {{name}}' } },
    { key: `${key}_only_en`, text: { EN: 'Only in English' } }] } })).status, 200);
  const name = `console-welcome-${suffix}`;
  const created = await api('/templates/v2/', { method: 'POST', json: { name, inputs: { first_name: { type: 'string' } },
    outputs: { subject: `{{t '${key}' name=@inputs.first_name}}`, body: '<p>Welcome, {{@inputs.first_name}}</p>', text: 'Welcome' } } });
  assert.equal(created.status, 200, JSON.stringify(created.body));

  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  await signIn(page, process.env.MG_USER, process.env.MG_PASSWORD);
  await page.getByRole('link', { name: 'Templates' }).click();
  await page.getByRole('link', { name }).click();
  const preview = page.frameLocator('iframe.preview');
  await preview.getByText('Welcome, Sample').waitFor();
  await page.getByText('Subject: Hello Sample').waitFor();
  await page.getByLabel('Language').selectOption('NL');
  await page.getByText('Subject: Hallo Sample').waitFor();

  const body = page.getByLabel('Output body');
  await body.fill('<p>Goodbye, {{@inputs.first_name}}</p>');
  await preview.getByText('Goodbye, Sample').waitFor();
  await body.fill('<p>{{#if @inputs.first_name}}Unclosed</p>');
  const error = page.locator('#t-error-body');
  await error.waitFor();
  assert.match(await error.textContent(), /Line \d+, column \d+/);
  assert.equal(await body.getAttribute('aria-invalid'), 'true');
  await accessible(page, 'template with an error');
  await body.fill('<p>Goodbye again, {{@inputs.first_name}}</p>');
  await preview.getByText('Goodbye again, Sample').waitFor();
  await error.waitFor({ state: 'hidden' });
  assert.equal(await body.getAttribute('aria-invalid'), null, 'the error is gone once fixed');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Saved.').waitFor();
  assert.equal((await api(`/templates/v2/${name}`)).body.outputs.body, '<p>Goodbye again, {{@inputs.first_name}}</p>');
  await accessible(page, 'template');
  await page.screenshot({ path: `${shots}/template.png`, fullPage: true });

  await page.getByRole('link', { name: 'Localizations' }).click();
  const row = page.locator('tr', { has: page.getByRole('rowheader', { name: `${key}_only_en` }) });
  await row.waitFor();
  assert.match(await row.textContent(), /missing/);
  await accessible(page, 'localizations');
  await page.screenshot({ path: `${shots}/localizations.png`, fullPage: true });

  await page.getByRole('link', { name: 'Privacy' }).click();
  await page.getByRole('heading', { name: 'Privacy requests' }).waitFor();
  await page.locator('main .empty, main table').first().waitFor();
  await accessible(page, 'privacy requests');
  await context.close();
});

test('an operator denies a pending privacy request and approves another', async () => {
  const policy = `console_policy_${Date.now()}`;
  assert.equal((await api('/api/v1/policy', { method: 'PATCH', json: [{ name: 'Console policy', key: policy }] })).status, 200);
  const ask = async (email) => {
    const created = await fetch(`${base}/api/v1/privacy-request`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify([{ policy_key: policy, identity: { email } }]) });
    return (await created.json()).succeeded[0].id;
  };
  const denied = await ask(`deny-${Date.now()}@example.com`);
  const approved = await ask(`approve-${Date.now()}@example.com`);
  const status = async (id) => (await api(`/api/v1/privacy-request?request_id=${id}`)).body.items[0].status;
  assert.equal(await status(denied), 'pending');

  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, process.env.MG_USER, process.env.MG_PASSWORD);
  await page.getByRole('link', { name: 'Privacy' }).click();
  const deniedRow = page.locator('tr', { hasText: denied });
  await deniedRow.getByRole('button', { name: 'Deny' }).click();
  await until('the request to be denied', async () => (await status(denied)) === 'denied');
  await page.locator('tr', { hasText: approved }).getByRole('button', { name: 'Approve' }).click();
  await until('the other request to be approved', async () => (await status(approved)) !== 'pending');
  await page.locator('tr', { hasText: denied }).getByText('denied').waitFor();
  await accessible(page, 'privacy requests with requests');
  await page.screenshot({ path: `${shots}/privacy.png`, fullPage: true });
  await context.close();
});
