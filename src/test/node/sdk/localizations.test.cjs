// exh.localizations, method by method, with countries, regions and languages, and findAll over more
// than one page.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { sdk, login, tag, rejectsWith } = require('./exh.cjs');

const run = tag();
const prefix = `sdk_loc_${run}`;
let exh;

before(async () => {
  exh = await login();
});

after(async () => {
  await exh.localizations.remove(sdk.rqlBuilder().like('key', prefix).build());
});

test('health answers true', async () => {
  assert.equal(await exh.localizations.health(), true);
});

test('create reports what was created and what existed; update what was missing', async () => {
  const created = await exh.localizations.create({
    localizations: [
      { key: `${prefix}_mail_subject`, text: { EN: 'Your purchase', NL: 'Je aankoop' } },
      { key: `${prefix}_closing`, text: { EN: 'Kind regards,' } },
    ],
  });
  assert.deepEqual(created, { created: 2, existing: 0, existingIds: [] });
  const again = await exh.localizations.create({ localizations: [{ key: `${prefix}_closing`, text: { EN: 'x' } }] });
  assert.deepEqual(again, { created: 0, existing: 1, existingIds: [`${prefix}_closing`] });
  const updated = await exh.localizations.update({
    localizations: [
      { key: `${prefix}_closing`, text: { NL: 'Met vriendelijke groeten,' } },
      { key: `${prefix}_nowhere`, text: { EN: 'x' } },
    ],
  });
  assert.deepEqual(updated, { updated: 1, missing: 1, missingIds: [`${prefix}_nowhere`] });
  const closing = await exh.localizations.findByKey(`${prefix}_closing`);
  assert.deepEqual(closing.text, { EN: 'Kind regards,', NL: 'Met vriendelijke groeten,' });
  assert.ok(closing.creationTimestamp instanceof Date);
});

test('a localization without EN is a DefaultLocalizationMissingError', async () => {
  await rejectsWith(exh.localizations.create({ localizations: [{ key: `${prefix}_dutch`, text: { NL: 'alleen' } }] }),
    sdk.DefaultLocalizationMissingError);
});

test('getByKeys answers the asked languages and always English, the fallback', async () => {
  const texts = await exh.localizations.getByKeys({
    localizationCodes: ['NL', 'DE'],
    localizations: [`${prefix}_mail_subject`, `${prefix}_unknown`],
  });
  assert.deepEqual(texts, { [`${prefix}_mail_subject`]: { NL: 'Je aankoop', EN: 'Your purchase' } });
});

test('findAll reads every page; find, findFirst and remove take RQL', async () => {
  const many = Array.from({ length: 55 }, (_, i) => ({ key: `${prefix}_many_${String(i).padStart(2, '0')}`, text: { EN: `n${i}` } }));
  assert.equal((await exh.localizations.create({ localizations: many })).created, 55);
  const all = await exh.localizations.findAll({ rql: sdk.rqlBuilder().like('key', `${prefix}_many`).build() });
  assert.equal(all.length, 55);
  assert.equal(new Set(all.map(l => l.key)).size, 55, 'two pages, no record twice');
  const page = await exh.localizations.find({ rql: sdk.rqlBuilder().like('key', `${prefix}_many`).sort('key').limit(10, 50).build() });
  assert.equal(page.page.total, 55);
  assert.equal(page.data.length, 5);
  assert.equal(page.data[0].key, `${prefix}_many_50`);
  assert.equal((await exh.localizations.findFirst({ rql: sdk.rqlBuilder().like('key', `${prefix}_many`).sort('-key').build() })).key,
    `${prefix}_many_54`);
  const removed = await exh.localizations.remove(sdk.rqlBuilder().like('key', `${prefix}_many`).build());
  assert.deepEqual(removed, { affectedRecords: 55 });
});

test('countries, regions and languages', async () => {
  const countries = await exh.localizations.getCountries();
  assert.ok(countries.includes('BE') && countries.includes('NL') && countries.length > 200);
  const regions = await exh.localizations.getRegions('BE');
  assert.ok(regions.includes('BE-VLI') && regions.includes('BE-BRU'));
  await rejectsWith(exh.localizations.getRegions('XX'), sdk.ResourceUnknownError);
  const languages = await exh.localizations.getLanguages();
  assert.ok(['EN', 'NL', 'DE', 'FR', 'IW'].every(code => languages.includes(code)));
});

test('a caller without the scope gets a NoPermissionError', async () => {
  const reader = await login('EXH_READER');
  await rejectsWith(reader.localizations.create({ localizations: [{ key: `${prefix}_r`, text: { EN: 'x' } }] }), sdk.NoPermissionError);
});
