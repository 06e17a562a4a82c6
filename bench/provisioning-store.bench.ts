import { performance } from 'node:perf_hooks';
import { loadInfraConfig } from '@acs/config';
import { MongoClient, type Collection, type Document } from 'mongodb';
import { median } from './lib/measure';

// Micro-measure of the device write path on the MongoDB-compatible server of the test services
// (FerretDB 1.24): which conditional-write call and filter shape the server runs without scanning
// the collection. Run: tsc -b bench/tsconfig.json && node bench/dist/provisioning-store.bench.js
// Findings: docs/store.md ("FerretDB 1.24 gaps") and docs/benchmarks.md ("Provisioning").

const SIZES = (process.env['BENCH_DOCS'] ?? '500,5000').split(',').map(Number);
const OPS = Number(process.env['BENCH_OPS'] ?? 60);
const PAYLOAD = 'x'.repeat(Number(process.env['BENCH_PAYLOAD'] ?? 2000));

interface Doc extends Document {
  _id: string;
  _version: number;
  body: string;
  n: number;
}

type Op = (c: Collection<Doc>, id: string, version: number) => Promise<boolean>;

const ops: Record<string, Op> = {
  'findOne {_id}': async (c, id) => (await c.findOne({ _id: id })) !== null,
  'findOne {_id, _version}': async (c, id, v) =>
    (await c.findOne({ _id: id, _version: v })) !== null,
  'findOneAndUpdate {_id, _version}': async (c, id, v) =>
    (await c.findOneAndUpdate(
      { _id: id, _version: v },
      { $set: { n: v }, $inc: { _version: 1 } },
      { returnDocument: 'after' },
    )) !== null,
  'updateOne {_id, _version}': async (c, id, v) =>
    (await c.updateOne({ _id: id, _version: v }, { $set: { n: v }, $inc: { _version: 1 } }))
      .matchedCount === 1,
  'replaceOne {_id, _version}': async (c, id, v) =>
    (await c.replaceOne({ _id: id, _version: v }, { _version: v + 1, body: PAYLOAD, n: v }))
      .matchedCount === 1,
  'updateOne {_id} (no version check)': async (c, id, v) =>
    (await c.updateOne({ _id: id }, { $set: { n: v }, $inc: { _version: 1 } })).matchedCount === 1,
  'findOneAndUpdate {_id} (no version check)': async (c, id, v) =>
    (await c.findOneAndUpdate(
      { _id: id },
      { $set: { n: v }, $inc: { _version: 1 } },
      { returnDocument: 'after' },
    )) !== null,
  'updateOne {_id: {$eq}, _version: {$eq}}': async (c, id, v) =>
    (
      await c.updateOne(
        { _id: { $eq: id }, _version: { $eq: v } },
        { $set: { n: v }, $inc: { _version: 1 } },
      )
    ).matchedCount === 1,
  'updateOne {$and: [{_id}, {_version}]}': async (c, id, v) =>
    (
      await c.updateOne(
        { $and: [{ _id: id }, { _version: v }] },
        { $set: { n: v }, $inc: { _version: 1 } },
      )
    ).matchedCount === 1,
};

async function explain(c: Collection<Doc>, filter: Document): Promise<string> {
  const db = c.db;
  const r = await db.command({
    explain: { find: c.collectionName, filter },
    verbosity: 'queryPlanner',
  });
  // FerretDB's explain reports whether the filter was pushed down to its SQL backend.
  const { filterPushdown, pushdown } = r as { pushdown?: unknown; filterPushdown?: unknown };
  return `pushdown=${JSON.stringify(filterPushdown ?? pushdown)}`;
}

async function main(): Promise<void> {
  const { MONGODB_URI } = loadInfraConfig();
  const client = new MongoClient(MONGODB_URI, { serverSelectionTimeoutMS: 5_000 });
  await client.connect();
  const db = client.db(`bench_store_${process.pid}`);
  console.log(
    `node ${process.version}; ${OPS} ops per call and size, payload ${PAYLOAD.length} B, median ms per op`,
  );
  try {
    for (const size of SIZES) {
      const c = db.collection<Doc>(`devices_${size}`);
      const docs: Doc[] = Array.from({ length: size }, (_, i) => ({
        _id: `DEV-${String(i).padStart(6, '0')}`,
        _version: 1,
        body: PAYLOAD,
        n: 0,
      }));
      for (let i = 0; i < docs.length; i += 500) await c.insertMany(docs.slice(i, i + 500));
      const versions = new Map(docs.map((d) => [d._id, 1]));
      console.log(`\n${size} documents`);
      for (const f of [{ _id: 'DEV-000001' }, { _id: 'DEV-000001', _version: 1 }])
        console.log(`  explain find ${JSON.stringify(f)}: ${await explain(c, f)}`);
      let baseline = 0;
      for (const [name, op] of Object.entries(ops)) {
        const samples: number[] = [];
        for (let k = 0; k < OPS; k++) {
          const id = `DEV-${String((k * 7919) % size).padStart(6, '0')}`;
          const v = versions.get(id) ?? 1;
          const t0 = performance.now();
          const matched = await op(c, id, v);
          samples.push(performance.now() - t0);
          if (!matched) throw new Error(`${name}: ${id} v${v} did not match`);
          if (!name.startsWith('findOne ')) versions.set(id, v + 1);
        }
        const ms = median(samples);
        if (baseline === 0) baseline = ms;
        console.log(
          `  ${name.padEnd(44)} ${ms.toFixed(2).padStart(8)} ms  ratio vs findOne {_id}: ${(ms / baseline).toFixed(1)}`,
        );
      }
    }
  } finally {
    await db.dropDatabase();
    await client.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
