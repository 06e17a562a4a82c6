import { z } from 'zod';
import { ConfigError, loadConfig, loadInfraConfig, intFromEnv, boolFromEnv } from './index';

describe('loadConfig', () => {
  it('applies defaults for the infrastructure endpoints', () => {
    const cfg = loadInfraConfig({});
    expect(cfg.KAFKA_BROKERS).toEqual(['127.0.0.1:19092']);
    expect(cfg.REDIS_URL).toBe('redis://127.0.0.1:16379');
  });

  it('splits a broker list', () => {
    expect(loadInfraConfig({ KAFKA_BROKERS: 'a:1, b:2' }).KAFKA_BROKERS).toEqual(['a:1', 'b:2']);
  });

  it('names every invalid variable in one error', () => {
    const run = () => loadInfraConfig({ KAFKA_BROKERS: 'nohostport', REDIS_URL: 'http://x' });
    expect(run).toThrow(ConfigError);
    try {
      run();
    } catch (e) {
      const msg = (e as ConfigError).message;
      expect(msg).toContain('KAFKA_BROKERS');
      expect(msg).toContain('REDIS_URL');
    }
  });

  it('coerces integers and booleans with bounds', () => {
    const schema = z.object({ N: intFromEnv(1, 10), B: boolFromEnv });
    expect(loadConfig(schema, { N: '7', B: '1' })).toEqual({ N: 7, B: true });
    expect(() => loadConfig(schema, { N: '70', B: 'yes' })).toThrow(ConfigError);
  });
});
