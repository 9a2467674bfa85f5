import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { compareVersions, loadModelCatalog, ModelCatalog, ModelCatalogError } from '../../src/catalog/catalog.ts';
import { tinyModel } from './tiny-model.ts';

async function modelsDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pathcast-models-'));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}

const tinyText = (changes: Record<string, unknown> = {}) => JSON.stringify({ ...tinyModel(), ...changes });

t.test('loads every model file, skips the schema file, lists versions newest first', async (t) => {
  const dir = await modelsDir({
    'tiny.json': tinyText(),
    'tiny-1.10.json': tinyText({ version: '1.10.0' }),
    'tiny-1.9.json': tinyText({ version: '1.9.0' }),
    'other.json': tinyText({ id: 'another', name: 'Another' }),
    'model.schema.json': '{"not": "a model"}',
    'README.md': 'not json',
  });
  const catalog = await loadModelCatalog({ modelsDir: dir });
  t.same(
    catalog.list().map((e) => `${e.id} ${e.version}`),
    ['another 1.0.0', 'tiny 1.10.0', 'tiny 1.9.0', 'tiny 1.0.0'],
  );
  const newest = catalog.get('tiny');
  t.equal(newest?.version, '1.10.0', '1.10.0 is newer than 1.9.0');
  t.equal(newest?.origin, 'tiny-1.10.json');
  t.equal(newest?.statesCount, 4);
  t.equal(newest?.priceBaseYear, '2024-25');
  t.equal(catalog.get('tiny', '1.0.0')?.hash, catalog.get('tiny', '1.0.0')?.model.hash);
  t.equal(catalog.get('tiny', '2.0.0'), undefined);
  t.equal(catalog.get('nothing'), undefined);
});

t.test('an invalid model stops the load, naming the file and every error', async (t) => {
  const broken = tinyModel();
  broken.transitions.young.care = { care: 0.77, home: 0.2 };
  broken.unitCosts[0].source = 'nowhere';
  const dir = await modelsDir({ 'good.json': tinyText(), 'broken.json': JSON.stringify({ ...broken, id: 'broken' }) });
  const error = await loadModelCatalog({ modelsDir: dir }).then(
    () => null,
    (e: unknown) => e,
  );
  t.type(error, ModelCatalogError);
  const message = (error as Error).message;
  t.match(message, /broken\.json:/);
  t.match(message, /\/transitions\/young\/care: row sums to 0\.97, not 1 \(band young, state care\)/);
  t.match(message, /\/unitCosts\/0\/source: unknown source "nowhere"/);
  t.notMatch(message, /good\.json/);
  t.same(
    (error as ModelCatalogError).problems.map((p) => [p.origin, p.errors.length]),
    [['broken.json', 2]],
  );
});

t.test('a file that is not JSON is named', async (t) => {
  const dir = await modelsDir({ 'bad.json': '{ "id": ' });
  await t.rejects(loadModelCatalog({ modelsDir: dir }), /bad\.json:\n {2}\/: is not valid JSON/);
});

t.test('the same id and version twice is refused: a changed model needs a new version', async (t) => {
  const dir = await modelsDir({ 'a.json': tinyText(), 'b.json': tinyText({ name: 'Tiny, edited' }) });
  await t.rejects(loadModelCatalog({ modelsDir: dir }), /b\.json:\n {2}\/version: tiny 1\.0\.0 is already defined by a\.json/);
});

t.test('ids that would clash with the routes are reserved', async (t) => {
  t.throws(() => ModelCatalog.fromSpecs([{ origin: 'x', spec: { ...tinyModel(), id: 'schema' } }]), /"schema" is reserved/);
  t.throws(() => ModelCatalog.fromSpecs([{ origin: 'x', spec: { ...tinyModel(), id: 'validate' } }]), /"validate" is reserved/);
});

t.test('extra specs (models stored elsewhere) merge with the files', async (t) => {
  const dir = await modelsDir({ 'tiny.json': tinyText() });
  const catalog = await loadModelCatalog({
    modelsDir: dir,
    extraSpecs: [{ origin: 'database: calibrated model 1', spec: { ...tinyModel(), version: '2.0.0', name: 'Tiny, calibrated' } }],
  });
  t.equal(catalog.get('tiny')?.name, 'Tiny, calibrated');
  t.equal(catalog.get('tiny')?.origin, 'database: calibrated model 1');
  t.equal(catalog.get('tiny', '1.0.0')?.origin, 'tiny.json');
  const errors = catalog.tryAdd('later', { ...tinyModel(), version: '2.0.0' });
  t.match(errors, [{ field: '/version', reason: /already defined by database: calibrated model 1/ }]);
});

t.test('versions compare numerically', async (t) => {
  t.ok(compareVersions('1.10.0', '1.9.3') > 0);
  t.ok(compareVersions('2.0.0', '10.0.0') < 0);
  t.equal(compareVersions('1.2.3', '1.2.3'), 0);
});
