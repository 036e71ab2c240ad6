// exh.templatesV2, method by method, with a template written the way Extra Horizon's "Helpers in
// Templates" page writes them. Intl formatting is checked against this Node's own Intl: the engine
// Extra Horizon's Handlebars.js helpers run on.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { sdk, login, tag, rejectsWith } = require('./exh.cjs');

const run = tag();
const name = `sdk-v2-${run}`;
let exh;
let created;

const keys = {
  greeting: `greeting_${run}`,
  granted: `granted_${run}`,
  balance: `balance_${run}`,
};

const inputs = {
  first_name: { type: 'string' },
  balance: { type: 'number' },
  items: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, price: { type: 'number' } } } },
  tags: { type: 'array', items: { type: 'string' } },
  has_permission: { type: 'boolean' },
  is_logged_in: { type: 'boolean' },
  authentication: { type: 'boolean' },
  created: { type: 'number' },
};

const outputs = {
  subject: `{{t '${keys.greeting}' name=@inputs.first_name}}`,
  body: `<h2>{{t '${keys.greeting}' name=@inputs.first_name}}</h2>`
    + `{{#if (or (and @inputs.has_permission @inputs.is_logged_in) (not @inputs.authentication))}}`
    + `<p>{{t '${keys.granted}'}}</p><p>{{t '${keys.balance}'}}: {{number @inputs.balance}}</p>`
    + '{{else}}<p>denied</p>{{/if}}'
    + "<ul>{{#each @inputs.items}}<li>{{name}}: {{currency price currency='EUR'}}{{#gt price 10}} (!){{/gt}}</li>{{/each}}</ul>"
    + "<p>{{length @inputs.items}} items, total {{sum @inputs.items.[0].price @inputs.items.[1].price}}, "
    + "tags {{join @inputs.tags sep=' | '}}</p>"
    + "<p>{{datetime @inputs.created dateStyle='long' timeStyle='short'}} ({{relativetime -2 range='days' numeric='auto'}})</p>"
    + '<script>var tags = {{{toJsonString @inputs.tags}}};</script>',
  text: "{{#each @inputs.items}}{{@index}}. {{name}}{{#unless @last}}, {{/unless}}{{/each}}; "
    + "{{#eq (mod 7 3) 1}}mod ok{{/eq}} {{round 2.5}} {{floor 2.7}} {{ceil 2.1}} {{divide 20 2 2}} {{multiply 2 3 4}} "
    + "{{subtract 10 3 2}} {{#includes @inputs.tags 'a'}}has a{{/includes}} {{#ne @inputs.first_name 'x'}}not x{{/ne}} "
    + '{{#lt 1 2}}lt{{/lt}} {{#le 2 2}}le{{/le}} {{#ge 3 2}}ge{{/ge}}',
};

const values = {
  first_name: 'Anna & Bo',
  balance: 1234.5,
  items: [{ name: 'Tea <green>', price: 4.5 }, { name: 'Pot', price: 25 }],
  tags: ['a', 'b<c'],
  has_permission: true,
  is_logged_in: false,
  authentication: false,
  created: 1633554000000,
};

before(async () => {
  exh = await login();
  await exh.localizations.create({
    localizations: [
      { key: keys.greeting, text: { EN: 'Dear {{name}}', NL: 'Beste {{name}}' } },
      { key: keys.granted, text: { EN: 'Access granted' } },
      { key: keys.balance, text: { EN: 'Balance', NL: 'Saldo' } },
    ],
  });
  created = await exh.templatesV2.create({ name, description: 'Helpers and localizations', inputs, outputs });
});

after(async () => {
  await exh.localizations.remove(sdk.rqlBuilder().in('key', Object.values(keys)).build());
});

test('health answers true', async () => {
  assert.equal(await exh.templatesV2.health(), true);
});

test('create answers the template with its id and dates', async () => {
  assert.match(created.id, /^[0-9a-f]{24}$/);
  assert.equal(created.name, name);
  assert.deepEqual(created.inputs, inputs);
  assert.deepEqual(created.outputs, outputs);
  assert.ok(created.creationTimestamp instanceof Date);
});

test('resolve renders helpers and localizations as Handlebars.js and Intl do', async () => {
  const resolved = await exh.templatesV2.resolve(name, { language: 'NL', timeZone: 'Europe/Brussels', inputs: values });
  const euro = value => new Intl.NumberFormat('nl', { style: 'currency', currency: 'EUR' }).format(value);
  const when = new Intl.DateTimeFormat('nl', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Brussels' })
    .format(new Date(values.created));
  const expectedBody = '<h2>Beste Anna &amp; Bo</h2>'
    + `<p>Access granted</p><p>Saldo: ${new Intl.NumberFormat('nl').format(1234.5)}</p>`
    + `<ul><li>Tea &lt;green&gt;: ${euro(4.5)}</li><li>Pot: ${euro(25)} (!)</li></ul>`
    + '<p>2 items, total 29.5, tags a | b&lt;c</p>'
    + `<p>${when} (${new Intl.RelativeTimeFormat('nl', { numeric: 'auto' }).format(-2, 'days')})</p>`
    + '<script>var tags = ["a","b<c"];</script>';
  assert.equal(resolved.body, expectedBody);
  assert.equal(resolved.subject, 'Beste Anna & Bo', 'a subject is plain text: not HTML-escaped');
  assert.equal(resolved.text, '0. Tea <green>, 1. Pot; mod ok 3 2 3 5 24 5 has a not x lt le ge');

  const english = await exh.templatesV2.resolve(created.id, { inputs: { ...values, is_logged_in: true, authentication: true } });
  assert.match(english.body, /^<h2>Dear Anna &amp; Bo<\/h2><p>Access granted<\/p><p>Balance: 1,234.5<\/p>/);
  assert.ok(english.body.includes(new Intl.DateTimeFormat('en', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' })
    .format(new Date(values.created))), 'no timeZone: UTC');
});

test('a preview without tracking_hash resolves; a missing or mistyped input is a TemplateFillingError', async () => {
  const tracked = await exh.templatesV2.create({
    name: `${name}-tracked`,
    inputs: { tracking_hash: { type: 'string' }, who: { type: 'string' } },
    outputs: { subject: 'Hi {{@inputs.who}}', body: '{{#if @inputs.tracking_hash}}<img src="x">{{/if}}ok' },
  });
  assert.deepEqual(await exh.templatesV2.resolve(tracked.id, { inputs: { who: 'Ann' } }), { subject: 'Hi Ann', body: 'ok' });
  const missing = await rejectsWith(exh.templatesV2.resolve(tracked.id, { inputs: {} }), sdk.TemplateFillingError);
  assert.match(missing.message, /who/);
  const nested = await rejectsWith(exh.templatesV2.resolve(name, {
    inputs: { ...values, items: [{ name: 'x', price: 'free' }] },
  }), sdk.TemplateFillingError);
  assert.match(nested.message, /items\[0\]\.price/);
  await exh.templatesV2.remove(tracked.id);
});

test('an unknown helper, a wrong helper call or a syntax error is refused at create and update', async () => {
  for (const body of ['{{shout @inputs.x}}', '{{number 1 2}}', "{{currency 5}}", '{{#if x}}open', '{{t}}', "{{datetime 0 colour='red'}}"]) {
    const error = await rejectsWith(
      exh.templatesV2.create({ name: `${name}-bad-${tag()}`, inputs: {}, outputs: { subject: 's', body } }),
      sdk.TemplateSyntaxError,
    );
    assert.equal(error.syntaxError.output, 'body', body);
    assert.ok(error.syntaxError.message.length > 0);
  }
  const error = await rejectsWith(exh.templatesV2.update(created.id, { outputs: { ...outputs, body: '{{#each}}x{{/each}}' } }),
    sdk.TemplateSyntaxError);
  assert.equal(error.syntaxError.output, 'body');
});

test('an unknown localization key is a LocalizationKeyMissingError, never an empty string', async () => {
  const broken = await exh.templatesV2.create({
    name: `${name}-nokey`, inputs: {}, outputs: { subject: `{{t 'missing_${run}'}}`, body: 'b' },
  });
  await rejectsWith(exh.templatesV2.resolve(broken.id, {}), sdk.LocalizationKeyMissingError);
  await exh.templatesV2.remove(broken.id);
});

test('update answers affectedRecords and changes what resolve renders', async () => {
  const answer = await exh.templatesV2.update(created.id, { description: 'Updated', outputs: { ...outputs, subject: 'Updated {{@inputs.first_name}}' } });
  assert.deepEqual(answer, { affectedRecords: 1 });
  const found = await exh.templatesV2.findById(created.id);
  assert.equal(found.description, 'Updated');
  assert.equal((await exh.templatesV2.resolve(name, { inputs: values })).subject, 'Updated Anna & Bo');
  await exh.templatesV2.update(name, { outputs });
});

test('find, findAll, findById, findByName and findFirst use RQL, special characters included', async () => {
  const odd = `sdk odd (${run}), 100% & "quoted" — café/ü`;
  const oddTemplate = await exh.templatesV2.create({ name: odd, inputs: {}, outputs: { subject: 's', body: 'b' } });
  assert.equal((await exh.templatesV2.findByName(odd)).id, oddTemplate.id);
  assert.equal((await exh.templatesV2.findById(oddTemplate.id)).name, odd);
  assert.equal(await exh.templatesV2.findByName(`${odd}x`), undefined);
  const page = await exh.templatesV2.find({ rql: sdk.rqlBuilder().eq('name', odd).build() });
  assert.equal(page.page.total, 1);
  assert.equal(typeof page.next, 'function', 'find answers pagers');
  assert.equal((await exh.templatesV2.findFirst({ rql: sdk.rqlBuilder().like('name', `odd (${run})`).build() })).name, odd);
  const all = await exh.templatesV2.findAll({ rql: sdk.rqlBuilder().like('name', run).build() });
  assert.ok(all.some(t => t.name === name) && all.some(t => t.name === odd));
  await rejectsWith(exh.templatesV2.find({ rql: '?eq(no_such_field,1)' }), sdk.InvalidRqlError);
  await exh.templatesV2.remove(oddTemplate.id);
});

test('errors are the SDK\'s classes: unknown, duplicate, no permission', async () => {
  await rejectsWith(exh.templatesV2.resolve(`nothing-${run}`, {}), sdk.ResourceUnknownError);
  await rejectsWith(exh.templatesV2.remove(`nothing-${run}`), sdk.ResourceUnknownError);
  await rejectsWith(exh.templatesV2.create({ name, inputs: {}, outputs: { subject: 's', body: 'b' } }), sdk.ResourceAlreadyExistsError);
  const reader = await login('EXH_READER');
  await rejectsWith(reader.templatesV2.create({ name: `${name}-r`, inputs: {}, outputs: { subject: 's' } }), sdk.NoPermissionError);
});

test('remove answers affectedRecords', async () => {
  assert.deepEqual(await exh.templatesV2.remove(created.id), { affectedRecords: 1 });
  assert.equal(await exh.templatesV2.findById(created.id), undefined);
});
