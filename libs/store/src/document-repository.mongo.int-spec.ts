import { createServer } from 'node:net';
import { loadInfraConfig } from '@acs/config';
import { uniqueName } from '@acs/testing';
import { MongoClient } from 'mongodb';
import { MongoDocumentStore } from './document-repository.mongo';
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

describeDocumentStoreContract('mongodb', async () => {
  await Promise.resolve();
  const { MONGODB_URI: uri } = loadInfraConfig();
  const database = uniqueName('store').replaceAll('-', '_');
  return {
    // Each open is a new MongoClient: "reopen" proves the data is on the server.
    open: () => MongoDocumentStore.connect({ uri, database, serverSelectionTimeoutMS: 5_000 }),
    openUnreachable: async () =>
      MongoDocumentStore.connect({ uri: `mongodb://127.0.0.1:${await closedPort()}/`, database, serverSelectionTimeoutMS: 300 }),
    dispose: async () => {
      const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5_000 });
      try {
        await client.db(database).dropDatabase();
      } finally {
        await client.close();
      }
    },
  };
});
