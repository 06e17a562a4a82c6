export * from './store.error';
export type { Scalar, FieldPath, PathValue } from './field-path';
export type * from './document-repository.port';
export { SqliteDocumentStore, type SqliteStoreOptions } from './document-repository.sqlite';
export {
  MongoDocumentStore,
  type MongoStoreOptions,
  type ConditionalWrites,
} from './document-repository.mongo';
