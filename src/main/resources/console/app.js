// Mailgate's operator console: one page, hash routes, every view built with DOM calls (never from HTML
// strings: subjects, addresses and reasons are other people's text). It calls Mailgate's own APIs with
// the session cookie; a change carries the session's CSRF token. The API's scopes decide what it shows.

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
const signOutButton = document.getElementById('sign-out');
const statusBox = document.getElementById('status');
let session = null;

// ---- small helpers --------------------------------------------------------------------------------

function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** Puts these nodes (nested lists flattened, null and false left out) in place of the element's children. */
function fill(element, ...nodes) {
  element.replaceChildren(...nodes.flat(Infinity).filter((node) => node !== null && node !== undefined && node !== false));
}

function show(...nodes) {
  fill(main, ...nodes);
}

function say(text) {
  statusBox.textContent = text;
  clearTimeout(say.timer);
  say.timer = setTimeout(() => { statusBox.textContent = ''; }, 5000);
}

function can(scope) {
  return session !== null && session.scopes.includes(scope);
}

function when(millis) {
  if (millis === null || millis === undefined) return '';
  const date = new Date(typeof millis === 'number' ? millis : Date.parse(millis));
  return date.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}

function badge(text) {
  return h('span', { class: 'badge ' + String(text).replace(/[^a-z_]/g, '') }, text);
}

function loading(what) {
  return h('p', { class: 'loading', role: 'status' }, `Loading ${what}…`);
}

function failure(error) {
  return h('p', { class: 'error', role: 'alert' }, error.message);
}

function empty(text) {
  return h('p', { class: 'empty' }, text);
}

/** The API's answer as JSON; a 4xx or 5xx becomes an Error with the API's own message. */
async function api(path, options = {}) {
  const headers = { Accept: 'application/json', ...(options.headers || {}) };
  const method = (options.method || 'GET').toUpperCase();
  if (method !== 'GET' && method !== 'HEAD' && session) headers['X-CSRF-Token'] = session.csrf_token;
  if (options.json !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method, headers, credentials: 'same-origin',
    body: options.json !== undefined ? JSON.stringify(options.json) : options.body,
  });
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = null; }
  if (!response.ok) {
    const detail = body && (body.message || (typeof body.detail === 'string' ? body.detail : JSON.stringify(body.detail)));
    const error = new Error(detail || `${response.status} ${response.statusText}`);
    error.status = response.status;
    error.body = body;
    throw error;
  }
  return body;
}

/** A value inside an RQL query: encoded twice, as Extra Horizon's SDK does (commas and brackets survive). */
function rql(value) {
  return encodeURIComponent(encodeURIComponent(value)).replace(/\(/g, '%2528').replace(/\)/g, '%2529');
}

// ---- session ---------------------------------------------------------------------------------------

async function loadSession() {
  try {
    session = await api('/console/api/session');
  } catch (error) {
    if (error.status !== 401) throw error;
    session = null;
  }
  for (const link of nav.querySelectorAll('a')) link.hidden = !can(link.dataset.scope);
  nav.hidden = session === null;
  signOutButton.hidden = session === null;
  who.textContent = session ? `Signed in as ${session.name}` : '';
}

function signInPage() {
  const error = h('div', { 'aria-live': 'assertive' });
  const kind = h('select', { id: 'kind', name: 'kind' },
    h('option', { value: 'user' }, 'API user'), h('option', { value: 'client' }, 'API client'));
  const name = h('input', { id: 'name', name: 'name', autocomplete: 'username', required: true });
  const secret = h('input', { id: 'secret', name: 'secret', type: 'password', autocomplete: 'current-password', required: true });
  const nameLabel = h('label', { for: 'name' }, 'User name');
  const secretLabel = h('label', { for: 'secret' }, 'Password');
  kind.addEventListener('change', () => {
    nameLabel.textContent = kind.value === 'user' ? 'User name' : 'Client id';
    secretLabel.textContent = kind.value === 'user' ? 'Password' : 'Client secret';
  });
  const button = h('button', { class: 'primary', type: 'submit' }, 'Sign in');
  const form = h('form', { class: 'stack', onsubmit: async (event) => {
    event.preventDefault();
    button.disabled = true;
    button.textContent = 'Signing in…';
    error.replaceChildren();
    try {
      const credentials = kind.value === 'user'
        ? { username: name.value, password: secret.value } : { client_id: name.value, client_secret: secret.value };
      await api('/console/api/session', { method: 'POST', json: credentials });
      await loadSession();
      if (location.hash === '#/overview') route();
      else location.hash = '#/overview';
    } catch (e) {
      error.replaceChildren(failure(e));
    } finally {
      button.disabled = false;
      button.textContent = 'Sign in';
    }
  } },
  h('label', { for: 'kind' }, 'Sign in as'), kind, nameLabel, name, secretLabel, secret, button);
  show(h('section', { class: 'signin panel', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, 'Sign in to Mailgate'), error, form));
  name.focus();
}

signOutButton.addEventListener('click', async () => {
  try {
    await api('/console/api/session', { method: 'DELETE' });
  } catch (e) {
    say(e.message);
  }
  session = null;
  await loadSession();
  location.hash = '';
  signInPage();
});

// ---- overview --------------------------------------------------------------------------------------

// A page that loads shows its heading at once and fills its own container when the data comes: if the
// operator moved on meanwhile, the container is no longer in the page and the late answer shows nowhere.
function container(title, what) {
  const view = h('div', {}, loading(what));
  show(h('h1', {}, title), view);
  return view;
}

async function overviewPage() {
  const view = container('Overview', 'the overview');
  const data = await api('/console/api/overview');
  const cards = (label, counts) => h('section', { 'aria-label': label },
    h('h2', {}, label),
    h('div', { class: 'cards' }, ['accepted', 'sent', 'failed', 'suppressed', 'queued'].map((key) =>
      h('div', { class: 'card' }, h('div', { class: 'n' }, counts[key] ?? 0), h('div', { class: 'l' }, key)))));
  const latency = data.latency_ms || {};
  fill(view, 
    cards('Last hour', data.last_hour),
    cards('Last 24 hours', data.last_day),
    h('h2', {}, 'Mails per hour, last 24 hours'),
    h('div', { class: 'panel' }, chart(data.hours),
      h('div', { class: 'legend' }, h('span', { class: 'sent' }, 'sent'), h('span', { class: 'failed' }, 'failed'),
        h('span', { class: 'suppressed' }, 'suppressed'), h('span', { class: 'other' }, 'waiting'))),
    h('h2', {}, 'Delivery'),
    h('div', { class: 'cards' },
      h('div', { class: 'card' }, h('div', { class: 'n' }, latency.p50 !== undefined ? `${latency.p50} ms` : '–'),
        h('div', { class: 'l' }, 'median latency, last hour')),
      h('div', { class: 'card' }, h('div', { class: 'n' }, latency.p95 !== undefined ? `${latency.p95} ms` : '–'),
        h('div', { class: 'l' }, '95th percentile')),
      h('div', { class: 'card' }, h('div', { class: 'n' }, data.queue), h('div', { class: 'l' }, 'waiting for delivery')),
      h('div', { class: 'card' }, h('div', { class: 'n' }, data.dead_letters_waiting), h('div', { class: 'l' }, 'dead letters not replayed'))),
    h('h2', {}, 'Providers'),
    providersTable(data.providers));
}

/** Stacked bars per hour, drawn as SVG. */
function chart(hours) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('class', 'chart');
  svg.setAttribute('viewBox', '0 0 480 180');
  svg.setAttribute('role', 'img');
  const total = hours.reduce((sum, hour) => sum + hour.accepted, 0);
  svg.setAttribute('aria-label', `Mails accepted per hour over the last 24 hours: ${total} in all`);
  const most = Math.max(1, ...hours.map((hour) => hour.accepted));
  hours.forEach((hour, index) => {
    let y = 170;
    const parts = [['sent', hour.sent], ['failed', hour.failed], ['suppressed', hour.suppressed],
      ['other', hour.queued + hour.sending]];
    for (const [kind, count] of parts) {
      if (!count) continue;
      const height = (count / most) * 160;
      y -= height;
      const bar = document.createElementNS(ns, 'rect');
      bar.setAttribute('x', String(index * 20 + 2));
      bar.setAttribute('y', String(y));
      bar.setAttribute('width', '16');
      bar.setAttribute('height', String(Math.max(1, height)));
      bar.setAttribute('class', kind);
      const title = document.createElementNS(ns, 'title');
      title.textContent = `${when(hour.start)}: ${count} ${kind === 'other' ? 'waiting' : kind}`;
      bar.append(title);
      svg.append(bar);
    }
  });
  return svg;
}

function providersTable(providers, testAddress = null) {
  if (!providers.length) return empty('No provider.');
  const test = async (provider, cell, button) => {
    if (!testAddress.value || !testAddress.checkValidity()) {
      cell.textContent = 'Give the address to send the test mail to first.';
      testAddress.focus();
      return;
    }
    button.disabled = true;
    cell.textContent = 'Sending…';
    try {
      const answer = await api(`/console/api/providers/${encodeURIComponent(provider.key)}/test`, { method: 'POST',
        json: { to: testAddress.value } });
      cell.textContent = answer.sent ? `Sent (${answer.provider_message_id || 'no message id'})` : `Failed: ${answer.error}`;
    } catch (e) {
      cell.textContent = `Failed: ${e.message}`;
    } finally {
      button.disabled = false;
    }
  };
  const columns = ['Provider', 'Type', 'Priority', 'Enabled', 'Rate limit', 'Secrets', 'Circuit', 'Sent, last hour', 'Last error'];
  if (testAddress) columns.push('Test');
  return h('div', { class: 'panel' }, h('table', {},
    h('caption', { class: 'skip' }, 'Providers'),
    h('thead', {}, h('tr', {}, columns.map((title) => h('th', { scope: 'col' }, title)))),
    h('tbody', {}, providers.map((p) => {
      const outcome = h('span', { 'aria-live': 'polite' });
      const button = h('button', { type: 'button', 'aria-label': `Send test mail through ${p.key}` }, 'Send test mail');
      button.addEventListener('click', () => test(p, outcome, button));
      return h('tr', {},
        h('td', {}, p.key, p.configured_in ? ' (configuration file)' : ''),
        h('td', {}, p.service_type),
        h('td', {}, p.priority ?? '–'),
        h('td', {}, p.enabled === undefined ? 'yes' : (p.enabled ? 'yes' : 'no')),
        h('td', {}, p.rate_limit ? `${p.rate_limit}/s` : 'none'),
        h('td', {}, p.secrets_set === undefined ? '–' : (p.secrets_set ? 'set' : 'missing')),
        h('td', {}, badge(p.circuit || 'closed')),
        h('td', {}, String(p.sent_last_hour ?? 0), p.failover ? [' ', badge('failover')] : ''),
        h('td', { class: 'wrap' }, p.last_error ? `${p.last_error} (${when(p.last_error_at)})` : ''),
        testAddress ? h('td', {}, p.usable ? [button, ' ', outcome] : 'needs its secrets') : null);
    }))));
}

async function providersPage() {
  const view = container('Providers', 'the providers');
  const data = await api('/console/api/overview');
  const address = h('input', { id: 'test-address', type: 'email', autocomplete: 'email' });
  fill(view,
    h('p', {}, 'Mail goes to the enabled providers in priority order, failing over to the next; the provider of the ' +
      'configuration file delivers when none is enabled. Secrets are never shown.'),
    can('mail:send') ? h('div', { class: 'row' }, h('label', { for: 'test-address' }, 'Send test mails to', address)) : null,
    providersTable(data.providers, can('mail:send') ? address : null));
}

// ---- mails -----------------------------------------------------------------------------------------

const PAGE = 20;

async function mailsPage(params) {
  const field = (name, label, attrs = {}) => h('label', { for: `q-${name}` }, label,
    h('input', { id: `q-${name}`, name, value: params.get(name) || '', ...attrs }));
  const status = h('select', { id: 'q-status', name: 'status' }, ['', 'queued', 'sending', 'sent', 'failed', 'suppressed']
    .map((value) => h('option', { value, selected: params.get('status') === value }, value || 'any')));
  const form = h('form', { class: 'search', role: 'search', onsubmit: (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const [name, value] of new FormData(form)) if (value) next.set(name, value);
    location.hash = `#/mails?${next}`;
  } },
  field('recipient', 'Recipient'), field('subject', 'Subject'),
  h('label', { for: 'q-status' }, 'Status', status),
  field('template', 'Template'), field('client', 'Client'),
  field('from', 'Since', { type: 'datetime-local' }), field('until', 'Until', { type: 'datetime-local' }),
  h('button', { class: 'primary', type: 'submit' }, 'Search'));
  const results = h('div', {}, loading('mails'));
  show(h('h1', {}, 'Mails'), form, results);

  const query = [];
  const contains = (name, value) => query.push(`like(${name},*${rql(value)}*)`);
  if (params.get('recipient')) {
    const value = rql(params.get('recipient'));
    query.push(`or(like(recipients.to,*${value}*),like(recipients.cc,*${value}*),like(recipients.bcc,*${value}*))`);
  }
  if (params.get('subject')) contains('subject', params.get('subject'));
  if (params.get('status')) query.push(`eq(status,${rql(params.get('status'))})`);
  if (params.get('template')) contains('template_name', params.get('template'));
  if (params.get('client')) query.push(`eq(creator_id,${rql(params.get('client'))})`);
  if (params.get('from')) query.push(`ge(creation_timestamp,${Date.parse(params.get('from') + 'Z')})`);
  if (params.get('until')) query.push(`le(creation_timestamp,${Date.parse(params.get('until') + 'Z')})`);
  const offset = Number(params.get('offset') || 0);
  query.push('sort(-creation_timestamp)', `limit(${PAGE},${offset})`);
  try {
    const page = await api(`/mail/v1/?${query.join('&')}`);
    if (!page.data.length) {
      results.replaceChildren(empty('No mail matches.'));
      return;
    }
    const pager = h('div', { class: 'pager' },
      h('button', { type: 'button', disabled: offset === 0, onclick: () => move(-PAGE) }, 'Previous'),
      h('span', {}, `${offset + 1}–${offset + page.data.length} of ${page.page.total}`),
      h('button', { type: 'button', disabled: offset + PAGE >= page.page.total, onclick: () => move(PAGE) }, 'Next'));
    function move(by) {
      params.set('offset', String(Math.max(0, offset + by)));
      location.hash = `#/mails?${params}`;
    }
    results.replaceChildren(h('div', { class: 'panel' }, h('table', {},
      h('thead', {}, h('tr', {}, ['Created', 'To', 'Subject', 'Status', 'Template', 'Provider']
        .map((title, i) => h('th', { scope: 'col', class: i >= 4 ? 'opt' : null }, title)))),
      h('tbody', {}, page.data.map((mail) => h('tr', {},
        h('td', {}, when(mail.creation_timestamp)),
        h('td', { class: 'wrap' }, [...mail.recipients.to, ...mail.recipients.cc].join(', ')),
        h('td', { class: 'wrap' }, h('a', { href: `#/mails/${mail.id}` }, mail.subject || '(no subject)')),
        h('td', {}, badge(mail.status)),
        h('td', { class: 'opt' }, mail.template_name || ''),
        h('td', { class: 'opt' }, mail.provider || '')))))), pager);
  } catch (e) {
    results.replaceChildren(failure(e));
  }
}

async function mailPage(id) {
  const view = h('div', {}, loading('the mail'));
  show(view);
  const page = await api(`/mail/v1/?eq(id,${rql(id)})`);
  if (!page.data.length) {
    fill(view, h('h1', {}, 'Mail'), empty('No mail has this id.'));
    return;
  }
  const mail = page.data[0];
  const parts = await api(`/console/api/mails/${encodeURIComponent(id)}/parts`);
  const fact = (label, value) => value === undefined || value === null || value === '' ? [] : [h('dt', {}, label), h('dd', {}, value)];
  const frame = h('iframe', { class: 'preview', sandbox: '', title: 'The mail as its recipient sees it',
    src: `/console/api/mails/${encodeURIComponent(id)}/preview`, referrerpolicy: 'no-referrer' });
  const images = h('button', { type: 'button', onclick: () => {
    frame.src = `/console/api/mails/${encodeURIComponent(id)}/preview?images=remote`;
    images.disabled = true;
    images.textContent = 'Remote images shown';
  } }, 'Show remote images');
  const events = mail.events || [];
  fill(view, 
    h('p', {}, h('a', { href: '#/mails' }, '← Mails')),
    h('h1', {}, mail.subject || '(no subject)'),
    h('div', { class: 'panel' }, h('dl', { class: 'facts' },
      fact('Status', badge(mail.status)), fact('Id', mail.id), fact('From', mail.from),
      fact('To', mail.recipients.to.join(', ')), fact('Cc', mail.recipients.cc.join(', ')), fact('Bcc', mail.recipients.bcc.join(', ')),
      fact('Reply to', (mail.reply_to || []).join(', ')), fact('Template', mail.template_name), fact('Language', mail.language),
      fact('Client', mail.creator_id), fact('Provider', mail.provider), fact('Provider message id', mail.aws_message_id),
      fact('Attempts', mail.attempts), fact('Next attempt', when(mail.next_attempt_timestamp)),
      fact('Last error', mail.last_error), fact('Failure reason', mail.failure_reason),
      fact('Created', when(mail.creation_timestamp)), fact('Updated', when(mail.update_timestamp)), fact('Views', mail.views))),
    mail.refused_recipients ? [h('h2', {}, 'Refused recipients'), h('div', { class: 'panel' }, h('table', {},
      h('thead', {}, h('tr', {}, ['Address', 'Answer', 'For good'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, mail.refused_recipients.map((r) => h('tr', {}, h('td', {}, r.address),
        h('td', { class: 'wrap' }, `${r.code} ${r.response}`), h('td', {}, r.permanent ? 'yes' : 'no'))))))] : [],
    h('h2', {}, 'History'),
    h('ol', { class: 'history' }, history(mail).map(([at, what]) => h('li', {}, h('time', {}, when(at)), ' ', what))),
    h('h2', {}, 'Events'),
    events.length ? h('div', { class: 'panel' }, h('table', {},
      h('thead', {}, h('tr', {}, ['When', 'Event', 'Recipient', 'Detail', 'Source'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, events.map((e) => h('tr', {}, h('td', {}, when(e.timestamp)),
        h('td', {}, badge(e.type), e.bounce ? ` ${e.bounce}` : '', e.machine ? ' (machine)' : ''),
        h('td', {}, e.recipient || ''), h('td', { class: 'wrap' }, e.detail || ''), h('td', {}, e.source))))))
      : empty('Nothing has happened to this mail since it was sent.'),
    h('h2', {}, 'Content'),
    parts.note ? h('p', { role: 'note' }, parts.note) : null,
    h('div', { class: 'split' },
      h('section', { 'aria-label': 'HTML part' }, h('h3', {}, parts.html ? 'HTML' : 'As text'), frame, h('p', {}, images)),
      h('section', { 'aria-label': 'Text part' }, h('h3', {}, 'Text'), h('pre', { class: 'text' }, parts.text || '(none)'))));
}

/** The first line or so of a payload: enough to recognise it, not the whole message. */
function summary(payload) {
  if (!payload) return '';
  const flat = String(payload).replace(/\s+/g, ' ');
  return flat.length > 100 ? `${flat.slice(0, 100)}…` : flat;
}

/** What is known of a mail's path, oldest first: accepted, its attempts, where it stands or how it ended. */
function history(mail) {
  const steps = [[mail.creation_timestamp, 'Accepted and queued']];
  if (mail.attempts > 0) {
    steps.push([null, `${mail.attempts} delivery attempt${mail.attempts === 1 ? '' : 's'} made`]);
  }
  if (mail.status === 'queued' && mail.next_attempt_timestamp) {
    steps.push([mail.update_timestamp, `Deferred${mail.last_error ? `: ${mail.last_error}` : ''}; next attempt ${when(mail.next_attempt_timestamp)}`]);
  } else if (mail.status === 'sending') {
    steps.push([mail.update_timestamp, 'Being delivered now']);
  } else if (mail.status === 'sent') {
    steps.push([mail.update_timestamp, `Sent${mail.provider ? ` through ${mail.provider}` : ''}`]);
  } else if (mail.status === 'failed') {
    steps.push([mail.update_timestamp, `Failed${mail.failure_reason ? `: ${mail.failure_reason}` : ''}`]);
  } else if (mail.status === 'suppressed') {
    steps.push([mail.update_timestamp, `Suppressed: no recipient may be mailed${mail.failure_reason ? ` (${mail.failure_reason})` : ''}`]);
  }
  for (const event of mail.events || []) {
    steps.push([event.timestamp, `${event.type}${event.bounce ? ` (${event.bounce})` : ''}${event.recipient ? ` — ${event.recipient}` : ''}`]);
  }
  return steps;
}

// ---- dead letters ----------------------------------------------------------------------------------

async function deadLettersPage(params) {
  const source = h('select', { id: 'dl-source', name: 'source' }, ['', 'deliver-mail', 'receive-mail', 'broker', 'webhook',
    'bounce-mailbox', 'receive-privacy-notice'].map((value) => h('option', { value, selected: params.get('source') === value },
    value || 'any')));
  const form = h('form', { class: 'search', onsubmit: (event) => {
    event.preventDefault();
    location.hash = source.value ? `#/dead-letters?source=${encodeURIComponent(source.value)}` : '#/dead-letters';
  } }, h('label', { for: 'dl-source' }, 'Source', source), h('button', { type: 'submit' }, 'Show'));
  const results = h('div', {}, loading('dead letters'));
  show(h('h1', {}, 'Dead letters'), form, results);
  const query = params.get('source') ? `&source=${encodeURIComponent(params.get('source'))}` : '';
  try {
    const page = await api(`/api/v1/dead-letters?size=100${query}`);
    if (!page.items.length) {
      results.replaceChildren(empty('No dead letter: nothing failed for good.'));
      return;
    }
    const boxes = [];
    const outcome = new Map();
    const replay = h('button', { class: 'primary', type: 'button', disabled: !can('deadletter:replay'), onclick: async () => {
      const chosen = boxes.filter((box) => box.checked);
      if (!chosen.length) {
        say('Choose the dead letters to replay first.');
        return;
      }
      replay.disabled = true;
      replay.textContent = 'Replaying…';
      for (const box of chosen) {
        const cell = outcome.get(box.value);
        cell.textContent = 'replaying…';
        try {
          const answer = await api(`/api/v1/dead-letters/${encodeURIComponent(box.value)}/replay`, { method: 'POST' });
          cell.textContent = answer.status + (answer.mail_id ? ` (mail ${answer.mail_id})` : '') + (answer.reason ? `: ${answer.reason}` : '');
        } catch (e) {
          cell.textContent = `failed: ${e.message}`;
        }
      }
      replay.disabled = false;
      replay.textContent = 'Replay selected';
      say(`${chosen.length} dead letter(s) replayed.`);
    } }, 'Replay selected');
    results.replaceChildren(h('div', { class: 'panel' }, h('table', {},
      h('thead', {}, h('tr', {}, ['', 'When', 'Source', 'Reason', 'Payload', 'Mail', 'Replays', 'Outcome']
        .map((title, i) => h('th', { scope: 'col', class: i === 4 || i === 6 ? 'opt' : null }, title)))),
      h('tbody', {}, page.items.map((letter) => {
        const box = h('input', { type: 'checkbox', value: letter.id, 'aria-label': `Choose dead letter ${letter.id}` });
        boxes.push(box);
        const cell = h('td', { class: 'wrap' }, letter.last_replay_result || '');
        outcome.set(letter.id, cell);
        return h('tr', {}, h('td', {}, box), h('td', {}, when(letter.created_at)), h('td', {}, letter.source),
          h('td', { class: 'wrap' }, letter.reason),
          h('td', { class: 'wrap opt' }, summary(letter.payload)),
          h('td', {}, letter.mail_id ? h('a', { href: `#/mails/${letter.mail_id}` }, letter.mail_id) : ''),
          h('td', { class: 'opt' }, letter.replay_count), cell);
      })))), h('p', {}, replay));
  } catch (e) {
    results.replaceChildren(failure(e));
  }
}

// ---- suppressions ----------------------------------------------------------------------------------

async function suppressionsPage(params) {
  const search = h('input', { id: 'sup-email', name: 'email', value: params.get('email') || '' });
  const form = h('form', { class: 'search', role: 'search', onsubmit: (event) => {
    event.preventDefault();
    location.hash = search.value ? `#/suppressions?email=${encodeURIComponent(search.value)}` : '#/suppressions';
  } }, h('label', { for: 'sup-email' }, 'Address contains', search), h('button', { type: 'submit' }, 'Search'));
  const address = h('input', { id: 'add-email', name: 'email', type: 'email', required: true });
  const reason = h('input', { id: 'add-reason', name: 'reason', maxlength: '1000' });
  const add = h('form', { class: 'search', onsubmit: async (event) => {
    event.preventDefault();
    try {
      await api('/api/v1/suppressions', { method: 'POST', json: { email: address.value, reason: reason.value || undefined } });
      say(`${address.value} is suppressed.`);
      route();
    } catch (e) {
      say(e.message);
    }
  } }, h('label', { for: 'add-email' }, 'Address', address), h('label', { for: 'add-reason' }, 'Reason', reason),
  h('button', { class: 'primary', type: 'submit', disabled: !can('suppression:create') }, 'Suppress'));
  const results = h('div', {}, loading('suppressions'));
  show(h('h1', {}, 'Suppressions'), form, can('suppression:create') ? add : null, results);
  try {
    const query = params.get('email') ? `&email=${encodeURIComponent(params.get('email'))}` : '';
    const page = await api(`/api/v1/suppressions?size=100${query}`);
    if (!page.items.length) {
      results.replaceChildren(empty('No suppressed address.'));
      return;
    }
    results.replaceChildren(h('div', { class: 'panel' }, h('table', {},
      h('thead', {}, h('tr', {}, ['Address', 'Reason', 'Source', 'Since', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, page.items.map((entry) => h('tr', {},
        h('td', {}, entry.email, entry.global ? ' (every client)' : ''), h('td', { class: 'wrap' }, entry.reason),
        h('td', {}, entry.source), h('td', {}, when(entry.created_at)),
        h('td', {}, can('suppression:delete') ? h('button', { type: 'button', class: 'danger',
          'aria-label': `Remove ${entry.email}`, onclick: async () => {
            try {
              await api(`/api/v1/suppressions/${encodeURIComponent(entry.email)}${entry.global ? '?global=true' : ''}`,
                { method: 'DELETE' });
              say(`${entry.email} may be mailed again.`);
              route();
            } catch (e) {
              say(e.message);
            }
          } }, 'Remove') : '')))))));
  } catch (e) {
    results.replaceChildren(failure(e));
  }
}

// ---- templates and localizations ------------------------------------------------------------------

async function templatesPage() {
  const view = container('Templates', 'templates');
  const page = await api('/templates/v2/?limit(50)&sort(+name)');
  fill(view,
    can('template:create_or_update') ? h('p', {}, h('a', { href: '#/templates/new' }, 'New template')) : null,
    page.data.length ? h('div', { class: 'panel' }, h('table', {},
      h('thead', {}, h('tr', {}, ['Name', 'Description', 'Outputs', 'Updated'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, page.data.map((template) => h('tr', {},
        h('td', {}, h('a', { href: `#/templates/${encodeURIComponent(template.name)}` }, template.name)),
        h('td', { class: 'wrap' }, template.description || ''),
        h('td', {}, Object.keys(template.outputs || {}).join(', ')),
        h('td', {}, when(template.update_timestamp)))))))
      : empty('No template yet.'));
}

/** Sample values for a template's declared inputs, by type, so that a preview renders at once. */
function sample(schema) {
  switch (schema && schema.type) {
    case 'number': return 42;
    case 'boolean': return true;
    case 'array': return [sample(schema.items)];
    case 'object': return Object.fromEntries(Object.entries(schema.properties || {}).map(([name, inner]) => [name, sample(inner)]));
    default: return 'Sample';
  }
}

async function languages() {
  const found = new Set(['EN']);
  for (let offset = 0; offset < 500; offset += 50) {
    const page = await api(`/localizations/v1/?limit(50,${offset})`);
    page.data.forEach((localization) => Object.keys(localization.text || {}).forEach((language) => found.add(language)));
    if (page.data.length < 50) break;
  }
  return [...found].sort();
}

async function templatePage(name) {
  const isNew = name === 'new';
  const view = container(isNew ? 'New template' : `Template ${name}`, 'the template');
  const template = isNew ? { name: '', description: '', inputs: {}, outputs: { subject: '', body: '', text: '' } }
    : await api(`/templates/v2/${encodeURIComponent(name)}`);
  const known = await languages();
  const editable = can('template:create_or_update') && !template.built_in;

  const nameInput = h('input', { id: 't-name', value: template.name, disabled: !isNew, required: true });
  const description = h('input', { id: 't-description', value: template.description || '', disabled: !editable });
  const inputs = h('textarea', { id: 't-inputs', rows: '5', disabled: !editable, spellcheck: 'false' },
    JSON.stringify(template.inputs || {}, null, 2));
  const outputs = new Map();
  const outputList = h('div', {});
  const addOutput = (key, value) => {
    const area = h('textarea', { id: `t-output-${key}`, rows: key === 'body' ? '10' : '3', disabled: !editable, spellcheck: 'false',
      'aria-describedby': `t-error-${key}` }, value);
    const error = h('p', { id: `t-error-${key}`, class: 'error', role: 'alert', hidden: true });
    outputs.set(key, { area, error });
    area.addEventListener('input', schedule);
    outputList.append(h('label', { for: `t-output-${key}` }, `Output ${key}`), area, error);
  };
  Object.entries(template.outputs || {}).forEach(([key, value]) => addOutput(key, value));
  const newOutput = h('input', { id: 't-new-output', pattern: '[a-z_]+' });
  const language = h('select', { id: 't-language' }, known.map((code) => h('option', { value: code }, code)));
  const sampleInputs = h('textarea', { id: 't-sample', rows: '6', spellcheck: 'false' },
    JSON.stringify(Object.fromEntries(Object.entries(template.inputs || {}).filter(([key]) => key !== 'tracking_hash')
      .map(([key, schema]) => [key, sample(schema)])), null, 2));
  const previewError = h('div', { 'aria-live': 'polite' });
  const subject = h('p', { class: 'subject' });
  const frame = h('iframe', { class: 'preview', sandbox: '', title: 'The rendered body of the template' });
  const text = h('pre', { class: 'text' });
  const saved = h('p', { role: 'status' });

  let timer;
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(preview, 400);
  }

  function draft() {
    const body = { name: nameInput.value, inputs: JSON.parse(inputs.value || '{}'), outputs: {} };
    if (description.value) body.description = description.value;
    for (const [key, { area }] of outputs) body.outputs[key] = area.value;
    return body;
  }

  function showErrors(error) {
    for (const { area, error: box } of outputs.values()) {
      area.removeAttribute('aria-invalid');
      box.hidden = true;
      box.textContent = '';
    }
    previewError.replaceChildren();
    if (!error) return;
    const place = error.body && error.body.syntaxError;
    if (place && outputs.has(place.output)) {
      const { area, error: box } = outputs.get(place.output);
      area.setAttribute('aria-invalid', 'true');
      box.hidden = false;
      box.textContent = `Line ${place.line}, column ${place.column}: ${place.message}`;
    } else {
      previewError.replaceChildren(failure(error));
    }
  }

  async function preview() {
    let body;
    try {
      body = { template: draft(), language: language.value, inputs: JSON.parse(sampleInputs.value || '{}') };
    } catch (e) {
      showErrors(new Error(`Not JSON: ${e.message}`));
      return;
    }
    try {
      const answer = await api('/console/api/templates/preview', { method: 'POST', json: body });
      showErrors(null);
      subject.textContent = answer.outputs.subject ? `Subject: ${answer.outputs.subject}` : '';
      text.textContent = answer.outputs.text || '';
      frame.src = `/console/api/previews/${answer.preview_id}`;
    } catch (e) {
      showErrors(e);
    }
  }

  const save = h('button', { class: 'primary', type: 'submit', disabled: !editable }, 'Save');
  const form = h('form', { class: 'stack wide', onsubmit: async (event) => {
    event.preventDefault();
    save.disabled = true;
    save.textContent = 'Saving…';
    saved.textContent = '';
    try {
      const body = draft();
      if (isNew) {
        await api('/templates/v2/', { method: 'POST', json: body });
        location.hash = `#/templates/${encodeURIComponent(body.name)}`;
      } else {
        delete body.name;
        await api(`/templates/v2/${encodeURIComponent(template.id)}`, { method: 'PUT', json: body });
        showErrors(null);
        saved.textContent = 'Saved.';
      }
    } catch (e) {
      showErrors(e);
    } finally {
      save.disabled = !editable;
      save.textContent = 'Save';
    }
  } },
  h('label', { for: 't-name' }, 'Name'), nameInput,
  h('label', { for: 't-description' }, 'Description'), description,
  h('label', { for: 't-inputs' }, 'Inputs (JSON: name → {"type"})'), inputs,
  outputList,
  editable ? h('div', { class: 'row' }, h('label', { for: 't-new-output' }, 'New output', newOutput),
    h('button', { type: 'button', onclick: () => {
      if (/^[a-z_]+$/.test(newOutput.value) && !outputs.has(newOutput.value)) {
        addOutput(newOutput.value, '');
        newOutput.value = '';
      }
    } }, 'Add output')) : null,
  h('div', {}, save), saved);
  for (const control of [description, inputs, language, sampleInputs]) control.addEventListener('input', schedule);
  language.addEventListener('change', schedule);
  fill(view,
    h('p', {}, h('a', { href: '#/templates' }, '← Templates')),
    template.built_in ? h('p', { role: 'note' }, 'A built-in notice: save a template of the same name to replace it.') : null,
    h('div', { class: 'split' },
      h('section', { 'aria-label': 'Template' }, form),
      h('section', { 'aria-labelledby': 'preview-title' },
        h('h2', { id: 'preview-title' }, 'Preview'),
        h('div', { class: 'row' }, h('label', { for: 't-language' }, 'Language', language)),
        h('label', { for: 't-sample' }, 'Sample inputs (JSON)'), sampleInputs,
        previewError, subject, frame, h('h3', {}, 'Text'), text)));
  if (!isNew) preview();
}

async function localizationsPage() {
  const view = container('Localizations', 'localizations');
  const all = [];
  for (let offset = 0; offset < 1000; offset += 50) {
    const page = await api(`/localizations/v1/?limit(50,${offset})&sort(+key)`);
    all.push(...page.data);
    if (page.data.length < 50) break;
  }
  if (!all.length) {
    fill(view, empty('No localization yet.'));
    return;
  }
  const codes = [...new Set(all.flatMap((l) => Object.keys(l.text || {})))].sort();
  const missing = all.reduce((count, l) => count + codes.filter((code) => !(l.text || {})[code]).length, 0);
  fill(view,
    h('p', {}, `${all.length} keys in ${codes.length} languages; ${missing} translations missing (EN stands in for them).`),
    h('div', { class: 'panel' }, h('table', {},
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Key'), codes.map((code) => h('th', { scope: 'col' }, code)))),
      h('tbody', {}, all.map((l) => h('tr', {}, h('th', { scope: 'row' }, l.key),
        codes.map((code) => (l.text || {})[code] ? h('td', { class: 'wrap' }, l.text[code])
          : h('td', { class: 'missing' }, h('span', { class: 'badge missing' }, 'missing')))))))));
}

// ---- privacy requests ------------------------------------------------------------------------------

async function privacyPage() {
  const view = container('Privacy requests', 'privacy requests');
  const page = await api('/api/v1/privacy-request?size=50');
  if (!page.items.length) {
    fill(view, empty('No privacy request.'));
    return;
  }
  const review = async (id, action) => {
    const body = { request_ids: [id] };
    if (action === 'deny') body.reason = 'Denied from the console';
    try {
      const answer = await api(`/api/v1/privacy-request/administrate/${action}`, { method: 'PATCH', json: body });
      say(answer.failed && answer.failed.length ? answer.failed[0].message : `Request ${id}: ${action === 'approve' ? 'approved' : 'denied'}.`);
      route();
    } catch (e) {
      say(e.message);
    }
  };
  fill(view, h('div', { class: 'panel' }, h('table', {},
    h('thead', {}, h('tr', {}, ['Created', 'Request', 'Policy', 'Status', ''].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, page.items.map((request) => h('tr', {},
      h('td', {}, when(request.created_at)),
      h('td', { class: 'wrap' }, request.id),
      h('td', {}, request.policy ? request.policy.key || request.policy.name || '' : ''),
      h('td', {}, badge(request.status)),
      h('td', {}, request.status === 'pending' && can('privacy-request:review') ? [
        h('button', { type: 'button', onclick: () => review(request.id, 'approve') }, 'Approve'), ' ',
        h('button', { type: 'button', class: 'danger', onclick: () => review(request.id, 'deny') }, 'Deny')] : '')))))));
}

// ---- routing ---------------------------------------------------------------------------------------

const pages = [
  [/^#\/overview$/, () => overviewPage()],
  [/^#\/providers$/, () => providersPage()],
  [/^#\/mails\/([0-9a-f]{24})$/, (m) => mailPage(m[1])],
  [/^#\/mails(?:\?(.*))?$/, (m) => mailsPage(new URLSearchParams(m[1] || ''))],
  [/^#\/dead-letters(?:\?(.*))?$/, (m) => deadLettersPage(new URLSearchParams(m[1] || ''))],
  [/^#\/suppressions(?:\?(.*))?$/, (m) => suppressionsPage(new URLSearchParams(m[1] || ''))],
  [/^#\/templates$/, () => templatesPage()],
  [/^#\/templates\/(.+)$/, (m) => templatePage(decodeURIComponent(m[1]))],
  [/^#\/localizations$/, () => localizationsPage()],
  [/^#\/privacy$/, () => privacyPage()],
];

let generation = 0;

async function route() {
  const mine = ++generation;
  if (session === null) {
    signInPage();
    return;
  }
  const hash = location.hash || '#/overview';
  for (const link of nav.querySelectorAll('a')) {
    if (hash.startsWith(link.getAttribute('href'))) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const page = pages.find(([pattern]) => pattern.test(hash));
  try {
    if (!page) {
      show(h('h1', {}, 'Not found'), empty('There is no such page.'));
    } else {
      await page[1](hash.match(page[0]));
    }
    main.focus({ preventScroll: true });
  } catch (e) {
    if (mine !== generation) return; // the operator moved on: a late failure of the old page shows nowhere
    if (e.status === 401) {
      session = null;
      await loadSession();
      signInPage();
      return;
    }
    show(h('h1', {}, 'Something went wrong'), failure(e));
  }
}

window.addEventListener('hashchange', route);
loadSession().then(route, (e) => show(failure(e)));
