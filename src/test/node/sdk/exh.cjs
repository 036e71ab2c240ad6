// What every SDK test shares: the official SDK, logged in the way its README shows, against the
// Mailgate that ExtraHorizonSdkIT started (its address and credentials come in the environment).
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const sdk = require('@extrahorizon/javascript-sdk');

function env(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run these tests through ExtraHorizonSdkIT (mvn verify)`);
  }
  return value;
}

/** A logged-in SDK client: createOAuth2Client + authenticate({ username, password }). */
async function login(prefix = 'EXH') {
  const exh = sdk.createOAuth2Client({
    host: env(`${prefix}_HOST`),
    clientId: env(`${prefix}_CLIENT_ID`),
    clientSecret: env(`${prefix}_CLIENT_SECRET`),
  });
  await exh.auth.authenticate({ username: env(`${prefix}_USERNAME`), password: env(`${prefix}_PASSWORD`) });
  return exh;
}

/** A short random tag that keeps one run's records apart from another's. */
function tag() {
  return crypto.randomBytes(4).toString('hex');
}

async function waitFor(what, check, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${what}`);
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

/**
 * The .eml files the outbox provider wrote whose text contains the needle. A file still being written
 * is a hidden .writing-*.eml, renamed when complete: it is not a message yet, and may be gone by the
 * time it would be read.
 */
function outboxMessages(needle) {
  const dir = env('EXH_OUTBOX');
  if (!fs.existsSync(dir)) {
    return [];
  }
  return fs.readdirSync(dir)
    .filter(name => name.endsWith('.eml') && !name.startsWith('.'))
    .map(name => fs.readFileSync(path.join(dir, name), 'latin1'))
    .filter(text => text.includes(needle));
}

/** Expects the promise to reject with an instance of the SDK error class; answers the error. */
async function rejectsWith(promise, ErrorClass) {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof ErrorClass)) {
      throw new Error(`Expected ${ErrorClass.name} but got ${error && error.constructor && error.constructor.name}: `
        + `${error && error.message} ${JSON.stringify(error && error.response)}`);
    }
    return error;
  }
  throw new Error(`Expected ${ErrorClass.name} but the call succeeded`);
}

/** A plain HTTP call with a bearer token, for what the SDK has no method for (setting up users, clients). */
async function http(method, url, token, body) {
  const response = await fetch(url, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

module.exports = { sdk, env, login, tag, waitFor, outboxMessages, rejectsWith, http };
