import { SqliteDocumentStore } from '@acs/store';
import { TimedDocumentStore, initTelemetry, type TelemetryHandle } from './index';

describe(TimedDocumentStore.name, () => {
  let telemetry: TelemetryHandle;
  beforeAll(async () => {
    telemetry = await initTelemetry({
      serviceName: 't',
      serviceVersion: '0',
      enabled: true,
      metrics: { prometheus: { port: 0, host: '127.0.0.1' } },
    });
  });
  afterAll(() => telemetry.shutdown());

  it('records each repository call by system, operation and collection, failures with error.type', async () => {
    let now = 0;
    const store = new TimedDocumentStore(
      SqliteDocumentStore.open({ directory: ':memory:' }),
      telemetry.metrics,
      'sqlite',
      () => (now += 0.5),
    );
    try {
      const devices = await store.collection<{ _id: string; model: string }>('devices');
      expect(devices.name).toBe('devices');
      await devices.insert({ _id: 'dev-1', model: 'IGD' });
      expect(await devices.findById('dev-1')).toMatchObject({ model: 'IGD', _version: 1 });
      await expect(devices.insert({ _id: 'dev-1', model: 'IGD' })).rejects.toThrow();
    } finally {
      await store.close();
    }
    const body = await (
      await fetch(`http://127.0.0.1:${telemetry.metricsAddress!.port}/metrics`)
    ).text();
    expect(body).toContain(
      'db_client_operation_duration_sum{db_system_name="sqlite",db_operation_name="findById",db_collection_name="devices"} 0.5',
    );
    expect(body).toMatch(
      /db_client_operation_duration_count\{db_system_name="sqlite",db_operation_name="insert",db_collection_name="devices"\} 1\n/,
    );
    expect(body).toMatch(
      /db_client_operation_duration_count\{db_system_name="sqlite",db_operation_name="insert",db_collection_name="devices",error_type="STORE_[A-Z_]+"\} 1\n/,
    );
  });
});
