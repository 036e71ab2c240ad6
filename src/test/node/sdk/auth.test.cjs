// The SDK's own login: createOAuth2Client({ host, clientId, clientSecret }) and
// auth.authenticate({ username, password }), then refresh, as the SDK does it when a token is refused.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { sdk, env, login, rejectsWith, http } = require('./exh.cjs');

function client(extra = {}) {
  return sdk.createOAuth2Client({
    host: env('EXH_HOST'), clientId: env('EXH_CLIENT_ID'), clientSecret: env('EXH_CLIENT_SECRET'), ...extra,
  });
}

test('authenticate with a user name and password answers tokens for that user', async () => {
  const fresh = [];
  const exh = client({ freshTokensCallback: tokens => fresh.push(tokens) });
  const tokens = await exh.auth.authenticate({ username: env('EXH_USERNAME'), password: env('EXH_PASSWORD') });
  assert.equal(tokens.userId, env('EXH_USER_ID'));
  assert.equal(tokens.applicationId, env('EXH_CLIENT_ID'));
  assert.equal(tokens.tokenType, 'bearer');
  assert.ok(tokens.accessToken && tokens.refreshToken && tokens.expiresIn > 0);
  assert.equal(await exh.raw.userId, env('EXH_USER_ID'));
  assert.equal(fresh.length, 1);
});

test('a wrong password is an AuthenticationError', async () => {
  const error = await rejectsWith(client().auth.authenticate({ username: env('EXH_USERNAME'), password: 'Not-the-password-1' }),
    sdk.AuthenticationError);
  assert.equal(error.status, 401);
  await rejectsWith(client().auth.authenticate({ username: 'nobody-at-all', password: 'Not-the-password-1' }), sdk.AuthenticationError);
});

test('a refused access token is refreshed with the refresh token, and the call goes through', async () => {
  const fresh = [];
  const exh = client({ freshTokensCallback: tokens => fresh.push(tokens) });
  await exh.auth.authenticate({ username: env('EXH_USERNAME'), password: env('EXH_PASSWORD') });
  const first = fresh[0];
  // Revoke the access token behind the SDK's back: its next call is answered 117 and it refreshes.
  assert.equal((await http('POST', `${env('EXH_HOST')}/api/v1/logout`, first.accessToken)).status, 204);
  assert.equal(await exh.mails.health(), true);
  assert.ok((await exh.mails.find()).page.total >= 0);
  assert.equal(fresh.length, 2, 'one refresh');
  assert.notEqual(fresh[1].accessToken, first.accessToken);
  assert.equal(fresh[1].userId, env('EXH_USER_ID'));

  const again = await exh.auth.authenticate({ refreshToken: fresh[1].refreshToken });
  assert.equal(again.userId, env('EXH_USER_ID'));
});

test('a refresh token works only for the client it was issued to', async () => {
  const fresh = [];
  const owner = client({ freshTokensCallback: tokens => fresh.push(tokens) });
  await owner.auth.authenticate({ username: env('EXH_USERNAME'), password: env('EXH_PASSWORD') });
  const thief = sdk.createOAuth2Client({ host: env('EXH_HOST'), clientId: env('EXH_OTHER_CLIENT_ID'),
    clientSecret: env('EXH_OTHER_CLIENT_SECRET') });
  await rejectsWith(thief.auth.authenticate({ refreshToken: fresh[0].refreshToken }), sdk.AuthenticationError);
  const wrongSecret = sdk.createOAuth2Client({ host: env('EXH_HOST'), clientId: env('EXH_CLIENT_ID'), clientSecret: 'wrong' });
  await rejectsWith(wrongSecret.auth.authenticate({ refreshToken: fresh[0].refreshToken }), sdk.AuthenticationError);
  const refreshed = await owner.auth.authenticate({ refreshToken: fresh[0].refreshToken });
  assert.equal(refreshed.userId, env('EXH_USER_ID'), 'the refused attempts left the owner\'s token usable');
});

test('a logged-in reader holds only its scopes', async () => {
  const reader = await login('EXH_READER');
  assert.ok((await reader.mails.find()).page.total >= 0);
  await rejectsWith(reader.mails.send({ recipients: { to: ['a@example.com'] }, subject: 's', body: 'b' }), sdk.NoPermissionError);
});
