import { MongoServerError } from 'mongodb';
import { mapMongoError } from './mongo.errors';
import { StoreError, StoreErrorCode } from './store.error';

function serverError(code: number, message: string): MongoServerError {
  return new MongoServerError({ code, message, errmsg: message });
}

function mapped(error: unknown, indexNames: readonly string[]): StoreError {
  try {
    mapMongoError(error, 'devices', indexNames);
  } catch (thrown) {
    if (thrown instanceof StoreError) return thrown;
    throw thrown;
  }
  throw new Error('mapMongoError returned');
}

describe(mapMongoError.name, () => {
  it('maps a unique violation on update from FerretDB on PostgreSQL to DuplicateKey with our index name', () => {
    // Message as FerretDB 1.24.2 (postgresql handler) sends it for updateOne/findOneAndUpdate.
    const error = serverError(
      1,
      '[collection.go:218 postgresql.(*collection).UpdateAll.func1] ERROR: duplicate key value ' +
        'violates unique constraint "c_e60c2c52_serial___8a795b59_idx" (SQLSTATE 23505)',
    );
    const result = mapped(error, ['oui_1', 'serial_1']);
    expect(result.code).toBe(StoreErrorCode.DuplicateKey);
    expect(result.details).toEqual({ collection: 'devices', index: 'serial_1' });
  });

  it('maps a unique violation on update from FerretDB on SQLite to DuplicateKey with our index name', () => {
    const error = serverError(
      1,
      "constraint failed: UNIQUE constraint failed: index 'c_e60c2c52_serial_1' (2067)",
    );
    const result = mapped(error, ['serial_1']);
    expect(result.code).toBe(StoreErrorCode.DuplicateKey);
    expect(result.details).toEqual({ collection: 'devices', index: 'serial_1' });
  });

  it('leaves the index out when no declared index matches the PostgreSQL index name', () => {
    const error = serverError(
      1,
      'ERROR: duplicate key value violates unique constraint "c_e60c2c52_other_00000000_idx"',
    );
    const result = mapped(error, ['serial_1']);
    expect(result.code).toBe(StoreErrorCode.DuplicateKey);
    expect(result.details).toEqual({ collection: 'devices' });
  });

  it('rethrows another InternalError unchanged', () => {
    const error = serverError(1, 'some other failure');
    let thrown: unknown;
    try {
      mapMongoError(error, 'devices', ['serial_1']);
    } catch (caught) {
      thrown = caught;
    }
    expect(thrown).toBe(error);
  });
});
