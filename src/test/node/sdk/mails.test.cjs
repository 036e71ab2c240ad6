// exh.mails, method by method: send plain and template mails (attachments without a type), find with
// RQL on special characters, findAll over pages, track an open, and findOutbound's QueuedMail.
const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const { sdk, login, tag, waitFor, outboxMessages, rejectsWith } = require('./exh.cjs');

const run = tag();
let exh;

before(async () => {
  exh = await login();
});

test('health answers true', async () => {
  assert.equal(await exh.mails.health(), true);
});

test('send a plain mail; it is found by id, by subject with special characters, and first', async () => {
  const subject = `Invoice (100%), paid & "done" — café ${run}`;
  const mail = await exh.mails.send({
    recipients: { to: ['ann@example.com'], cc: ['cc@example.com'] },
    replyTo: ['desk@example.com'],
    subject,
    body: `Plain text ${run}`,
    attachments: [{ name: 'report.pdf', content: Buffer.from('%PDF-1.4 hi').toString('base64') }],
  });
  assert.match(mail.id, /^[0-9a-f]{24}$/);
  assert.equal(mail.subject, subject);
  assert.deepEqual(mail.recipients.to, ['ann@example.com']);
  assert.ok(mail.creationTimestamp instanceof Date);
  assert.equal(mail.attachments, undefined, 'attachments are never part of the Mail object');

  assert.equal((await exh.mails.findById(mail.id)).subject, subject);
  const found = await exh.mails.find({ rql: sdk.rqlBuilder().eq('subject', subject).build() });
  assert.equal(found.page.total, 1);
  assert.equal(found.data[0].id, mail.id);
  const byRecipient = await exh.mails.findFirst({ rql: sdk.rqlBuilder().eq('recipients.cc', 'cc@example.com').like('subject', run).build() });
  assert.equal(byRecipient.id, mail.id);
  const liked = await exh.mails.find({ rql: sdk.rqlBuilder().like('recipients.to', 'ann@').like('subject', '(100%)').build() });
  assert.ok(liked.data.some(m => m.id === mail.id), 'like() on an array field');

  const message = await waitFor('the mail in the outbox', () => outboxMessages(`Plain text ${run}`)[0]);
  assert.match(message, /Content-Type: application\/pdf; ?\r?\n?\s*name=report\.pdf/i, 'a type from the file name');
});

test('findAll reads every page of mails', async () => {
  const subject = `Batch ${run}`;
  await Promise.all(Array.from({ length: 55 }, (_, i) => exh.mails.send({
    recipients: { to: [`batch${i}@example.com`] }, subject, body: `n${i}`,
  })));
  const all = await exh.mails.findAll({ rql: sdk.rqlBuilder().eq('subject', subject).build() });
  assert.equal(all.length, 55);
  assert.equal(new Set(all.map(m => m.id)).size, 55);
});

test('a template mail is rendered, and opening it is tracked', async () => {
  const name = `sdk-mail-${run}`;
  await exh.templatesV2.create({
    name,
    inputs: { first_name: { type: 'string' }, tracking_hash: { type: 'string' } },
    outputs: {
      subject: `Welcome {{@inputs.first_name}} ${run}`,
      body: `<p>${run}</p><p>Hi {{@inputs.first_name}}</p><img src="{{@public_url}}/mail/v1/{{@inputs.tracking_hash}}/open">`,
    },
  });
  const mail = await exh.mails.send({ recipients: { to: ['tracked@example.com'] }, templateName: name, content: { firstName: 'Zoë' } })
    .catch(error => error);
  assert.ok(mail instanceof sdk.TemplateFillingError, 'content keys are the template\'s own: first_name, not firstName');
  const sent = await exh.mails.send({ recipients: { to: ['tracked@example.com'] }, templateName: name, content: { first_name: 'Zoë' } });
  assert.equal(sent.templateName, name);
  assert.deepEqual(sent.content, { first_name: 'Zoë' });
  const message = await waitFor('the template mail in the outbox', () => outboxMessages(`/open`).find(text => text.includes(run)));
  const hash = /\/mail\/v1\/([A-Za-z0-9_-]+)\/open/.exec(message.replace(/=\r?\n/g, '').replace(/=3D/g, '='))[1];
  assert.deepEqual(await exh.mails.track(hash), { affectedRecords: 1 });
  assert.equal((await exh.mails.findById(sent.id)).views, 1);
  assert.deepEqual(await exh.mails.track(`unknown${run}`), { affectedRecords: 0 });
  await exh.templatesV2.remove(name);
});

test('findOutbound answers mails still waiting, as QueuedMail', async () => {
  const stalled = await login('EXH_STALLED');
  const name = `sdk-queued-${run}`;
  await stalled.templatesV2.create({ name, inputs: { who: { type: 'string' } }, outputs: { subject: 'For {{@inputs.who}}', body: '<b>{{@inputs.who}}</b>', text: 'Text {{@inputs.who}}' } });
  const sent = await stalled.mails.send({ recipients: { to: ['q@example.com'], bcc: ['hidden@example.com'] }, replyTo: ['r@example.com'],
    templateName: name, language: 'NL', timeZone: 'Europe/Brussels', content: { who: 'Queued' } });
  const queued = await waitFor('the mail to wait for its provider', async () => {
    const page = await stalled.mails.findOutbound({ rql: sdk.rqlBuilder().eq('id', sent.id).build() });
    return page.data[0];
  });
  assert.ok(['queued', 'sending'].includes(queued.status), queued.status);
  assert.deepEqual(queued.to, ['q@example.com']);
  assert.deepEqual(queued.bcc, ['hidden@example.com']);
  assert.equal(queued.replyTo, 'r@example.com');
  assert.equal(queued.subject, 'For Queued');
  assert.equal(queued.html, '<b>Queued</b>');
  assert.equal(queued.text, 'Text Queued');
  assert.equal(queued.templateData.templateName, name);
  assert.equal(queued.templateData.language, 'NL');
  assert.equal(queued.templateData.timeZone, 'Europe/Brussels');
  assert.deepEqual(queued.templateData.content, { who: 'Queued' });
  assert.ok(queued.creationTimestamp instanceof Date);
  assert.equal(queued.recipients, undefined, 'the QueuedMail shape, not the Mail one');
});

test('errors are the SDK\'s classes', async () => {
  await rejectsWith(exh.mails.send({ recipients: { to: ['a@example.com'] }, templateId: 'not-an-id', content: {} }), sdk.IDFormatError);
  await rejectsWith(exh.mails.send({ recipients: { to: ['a@example.com'] }, templateName: `none-${run}`, content: {} }),
    sdk.ResourceUnknownError);
  await rejectsWith(exh.mails.send({ recipients: { to: ['not an address'] }, subject: 's', body: 'b' }), sdk.FieldFormatError);
  await rejectsWith(exh.mails.find({ rql: '?eq(subject' }), sdk.InvalidRqlError);
  const reader = await login('EXH_READER');
  await rejectsWith(reader.mails.send({ recipients: { to: ['a@example.com'] }, subject: 's', body: 'b' }), sdk.NoPermissionError);
  assert.ok((await reader.mails.find()).page.total >= 0, 'the reader may read');
});
