import { connect, createServer, type Server, type Socket } from 'node:net';
import { loadInfraConfig } from '@acs/config';
import { expectEventually, uniqueName } from '@acs/testing';
import { MongoClient } from 'mongodb';
import { MongoDocumentStore } from './document-repository.mongo';
import { StoreErrorCode } from './store.error';
import { describeDocumentStoreContract } from './testing/document-repository.contract';

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

// Both write paths on the integration server (FerretDB 1.24): `auto` resolves to checkThenWrite
// there (the fast path), `atomic` is the path real MongoDB takes. Neither is atomic under
// concurrency on FerretDB, so the concurrency tests run on SQLite only (docs/store.md).
for (const conditionalWrites of ['auto', 'atomic'] as const)
  describeDocumentStoreContract(
    `mongodb (conditionalWrites: ${conditionalWrites})`,
    async () => {
      await Promise.resolve();
      const { MONGODB_URI: uri } = loadInfraConfig();
      const database = uniqueName('store').replaceAll('-', '_');
      return {
        // Each open is a new MongoClient: "reopen" proves the data is on the server.
        open: () =>
          MongoDocumentStore.connect({
            uri,
            database,
            serverSelectionTimeoutMS: 5_000,
            conditionalWrites,
          }),
        openUnreachable: async () =>
          MongoDocumentStore.connect({
            uri: `mongodb://127.0.0.1:${await closedPort()}/`,
            database,
            serverSelectionTimeoutMS: 300,
            conditionalWrites,
          }),
        dispose: async () => {
          const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5_000 });
          try {
            await client.db(database).dropDatabase();
          } finally {
            await client.close();
          }
        },
      };
    },
    {
      // The integration server is FerretDB 1.24: its conditional updates are not
      // atomic (two writers can both match {_id, _version: v}). Real MongoDB is.
      atomicConditionalWrites: false,
    },
  );

it('resolves conditionalWrites auto to checkThenWrite on FerretDB 1.x', async () => {
  const { MONGODB_URI: uri } = loadInfraConfig();
  const store = await MongoDocumentStore.connect({
    uri,
    database: uniqueName('store_mode').replaceAll('-', '_'),
  });
  try {
    expect(store.conditionalWrites).toBe('checkThenWrite');
  } finally {
    await store.close();
  }
});

/** A TCP relay to the real server that a test can cut, as a crash or network loss would. */
class Relay {
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  port = 0;

  constructor(
    private readonly host: string,
    private readonly targetPort: number,
  ) {}

  async start(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.targetPort, this.host);
      for (const [a, b] of [
        [client, upstream],
        [upstream, client],
      ] as const) {
        this.sockets.add(a);
        a.pipe(b);
        a.on('error', () => b.destroy());
        a.on('close', () => {
          this.sockets.delete(a);
          b.destroy();
        });
      }
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    const address = server.address();
    if (address !== null && typeof address !== 'string') this.port = address.port;
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}

describe(`${MongoDocumentStore.name} when the connection is lost`, () => {
  const { MONGODB_URI: uri } = loadInfraConfig();
  const database = uniqueName('store_lost').replaceAll('-', '_');
  const target = new URL(uri.replace(/^mongodb:/, 'http:'));
  const relay = new Relay(target.hostname, Number(target.port || 27017));

  afterAll(async () => {
    await relay.cut();
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5_000 });
    try {
      await client.db(database).dropDatabase();
    } finally {
      await client.close();
    }
  });

  it('fails with Unavailable while the server is gone and recovers when it is back', async () => {
    await relay.start();
    const store = await MongoDocumentStore.connect({
      uri: `mongodb://127.0.0.1:${relay.port}/?directConnection=true`,
      database,
      serverSelectionTimeoutMS: 500,
    });
    try {
      const repo = await store.collection<{ _id: string }>('things');
      await repo.insert({ _id: 'a' });
      await relay.cut();
      await expect(repo.count({})).rejects.toMatchObject({
        name: 'StoreError',
        code: StoreErrorCode.Unavailable,
      });
      await expect(repo.insert({ _id: 'b' })).rejects.toMatchObject({
        code: StoreErrorCode.Unavailable,
      });
      await relay.start();
      expect(await expectEventually(() => repo.count({}))).toBe(1);
    } finally {
      await store.close();
    }
  });
});
