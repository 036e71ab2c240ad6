// exh.templates (the Template Service v1), method by method: typed schemas with options, $content
// fields, #if blocks and {{key,arg}} localizations; resolve as JSON or PDF, also by language code.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { sdk, login, tag, rejectsWith, waitFor, outboxMessages } = require('./exh.cjs');

const run = tag();
const name = `sdk-v1-${run}`;
const heartRate = `heart_rate_${run}`;
const greeting = `greeting_v1_${run}`;
let exh;
let template;

const schema = {
  type: 'object',
  fields: {
    first_name: { type: 'string', options: [{ type: 'min_size', value: 1 }, { type: 'max_size', value: 20 }] },
    date: { type: 'string' },
    time: { type: 'string', options: [{ type: 'regex', value: '^\\d{2}:\\d{2}$' }] },
    rate: { type: 'number', options: [{ type: 'min', value: 20 }, { type: 'max', value: 250 }] },
    footer_enabled: { type: 'boolean' },
    tags: { type: 'array', type_configuration: { type: 'string' }, options: [{ type: 'max_size', value: 3 }] },
  },
};

const fields = {
  subject: `{{${greeting}}} $content.first_name`,
  body: `<p>{{${heartRate},$content.date,$content.time,$content.rate}}</p>#if($content.footer_enabled)<footer>Bye</footer>#end`,
  message: 'Hello, $content.first_name #if(!$content.footer_enabled)(no footer)#else(footer)#end $content.tags[0]',
};

const content = { first_name: 'John', date: '06/10/2021', time: '21:00', rate: 63, footer_enabled: true, tags: ['x'] };

before(async () => {
  exh = await login();
  await exh.localizations.create({
    localizations: [
      { key: heartRate, text: { EN: 'On $1 at $2, your heart rate was $3 bpm.', NL: 'Uw hartslag was $3 spm op $1 om $2.' } },
      { key: greeting, text: { EN: 'Dear', NL: 'Beste' } },
    ],
  });
  template = await exh.templates.create({ name, description: 'A v1 template', schema, fields });
});

after(async () => {
  await exh.localizations.remove(sdk.rqlBuilder().in('key', [heartRate, greeting]).build());
});

test('health answers true', async () => {
  assert.equal(await exh.templates.health(), true);
});

test('create answers the template; its schema and fields come back as given', async () => {
  assert.match(template.id, /^[0-9a-f]{24}$/);
  assert.equal(template.name, name);
  assert.deepEqual(template.schema, schema);
  assert.deepEqual(template.fields, fields);
  assert.ok(template.creationTimestamp instanceof Date);
});

test('resolveAsJson fills references, #if blocks and localizations with $1 arguments', async () => {
  assert.deepEqual(await exh.templates.resolveAsJson(template.id, { language: 'NL', timeZone: 'Europe/Brussels', content }), {
    subject: 'Beste John',
    body: '<p>Uw hartslag was 63 spm op 06/10/2021 om 21:00.</p><footer>Bye</footer>',
    message: 'Hello, John (footer) x',
  });
  const english = await exh.templates.resolveAsJson(template.id, { content: { ...content, footer_enabled: false } });
  assert.equal(english.body, '<p>On 06/10/2021 at 21:00, your heart rate was 63 bpm.</p>');
  assert.equal(english.message, 'Hello, John (no footer) x');
});

test('resolveAsJsonUsingCode takes the language from the path', async () => {
  assert.equal((await exh.templates.resolveAsJsonUsingCode(template.id, 'NL', { content })).subject, 'Beste John');
});

test('resolveAsPdf and resolveAsPdfUsingCode answer a PDF of the body field', async () => {
  for (const pdf of [await exh.templates.resolveAsPdf(template.id, { content }),
    await exh.templates.resolveAsPdfUsingCode(template.id, 'NL', { content })]) {
    const bytes = Buffer.from(pdf);
    assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.ok(bytes.length > 500);
  }
});

test('content that breaks the schema is a TemplateFillingError naming the field', async () => {
  for (const [field, value] of [['rate', 300], ['time', '9pm'], ['first_name', ''], ['tags', ['a', 'b', 'c', 'd']], ['footer_enabled', 'yes']]) {
    const error = await rejectsWith(exh.templates.resolveAsJson(template.id, { content: { ...content, [field]: value } }),
      sdk.TemplateFillingError);
    assert.match(error.message, new RegExp(field.replace('_', '.')));
  }
  await rejectsWith(exh.templates.resolveAsJson(template.id, { content: { ...content, date: undefined } }), sdk.TemplateFillingError);
});

test('anything beyond $content, #if and {{localizations}} is refused when saved', async () => {
  for (const body of ['#set($x = 1)$x', '#foreach($t in $content.tags)$t#end', "#include('/etc/passwd')", '$content.first_name.getClass()']) {
    const error = await rejectsWith(exh.templates.create({ name: `${name}-bad-${tag()}`, description: 'd', schema, fields: { body } }),
      sdk.TemplateSyntaxError);
    assert.equal(error.syntaxError.output, 'body');
  }
});

test('update answers the template; find, findAll, findAllIterator, findById, findByName and findFirst find it', async () => {
  const updated = await exh.templates.update(template.id, { name, description: 'Updated', schema, fields: { ...fields, extra: 'x' } });
  assert.equal(updated.description, 'Updated');
  assert.equal(updated.fields.extra, 'x');
  assert.equal((await exh.templates.findById(template.id)).description, 'Updated');
  assert.equal((await exh.templates.findByName(name)).id, template.id);
  assert.equal((await exh.templates.findFirst({ rql: sdk.rqlBuilder().eq('name', name).build() })).id, template.id);
  assert.equal((await exh.templates.find({ rql: sdk.rqlBuilder().like('name', run).build() })).page.total, 1);
  assert.equal((await exh.templates.findAll({ rql: sdk.rqlBuilder().like('name', run).build() })).length, 1);
  const iterated = [];
  for await (const page of exh.templates.findAllIterator({ rql: sdk.rqlBuilder().like('name', run).build() })) {
    iterated.push(...page.data);
  }
  assert.equal(iterated.length, 1);
});

test('a mail naming a v1 template is rendered with it', async () => {
  const subject = `Beste John ${run}`;
  await exh.templates.update(template.id, { fields: { ...fields, subject: `{{${greeting}}} $content.first_name ${run}` } });
  const mail = await exh.mails.send({ recipients: { to: ['v1@example.com'] }, templateId: template.id, language: 'NL', content });
  assert.equal(mail.templateId, template.id);
  const sent = await waitFor('the v1 mail in the outbox', () => outboxMessages(run).find(text => text.includes('Beste John')));
  assert.ok(sent.includes(subject));
});

test('ids are checked: a malformed one is an IDFormatError, an unknown one a ResourceUnknownError', async () => {
  await rejectsWith(exh.templates.update('not-an-id', { description: 'x' }), sdk.IDFormatError);
  await rejectsWith(exh.templates.remove('not-an-id'), sdk.IDFormatError);
  await rejectsWith(exh.templates.resolveAsJson('ffffffffffffffffffffffff', { content }), sdk.ResourceUnknownError);
  await rejectsWith(exh.templates.create({ name, description: 'd', schema, fields }), sdk.ResourceAlreadyExistsError);
});

test('remove answers affectedRecords', async () => {
  assert.deepEqual(await exh.templates.remove(template.id), { affectedRecords: 1 });
  await rejectsWith(exh.templates.remove(template.id), sdk.ResourceUnknownError);
});
