import { loadInfraConfig } from '@acs/config';
import { MongoDocumentStore } from '@acs/store';
import { uniqueName } from '@acs/testing';
import { MongoClient } from 'mongodb';
import { describeTagServiceContract } from './testing/tag.service.contract';

// The tag contract on the MongoDB wire protocol (FerretDB in the test services), one database
// per test, dropped after it.
describeTagServiceContract('FerretDB', () => {
  const uri = loadInfraConfig().MONGODB_URI;
  const database = uniqueName('prov-tags').replace(/[^A-Za-z0-9_]/g, '_');
  return {
    open: () => MongoDocumentStore.connect({ uri, database, serverSelectionTimeoutMS: 5_000 }),
    dispose: async (store) => {
      await store.close();
      const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5_000 });
      try {
        await client.db(database).dropDatabase();
      } finally {
        await client.close();
      }
    },
  };
});
