import { AcsctlError } from './acsctl.error';
import { DEFAULT_API_ADDR, isLoopbackAddress, loadCliConfig } from './cli.config';
import { ExitCode } from './cli.exit-codes';

describe('loadCliConfig', () => {
  it('defaults to plaintext on loopback, no credential, table output, 30 s deadline', () => {
    expect(loadCliConfig({}, {})).toEqual({
      address: DEFAULT_API_ADDR,
      credential: { kind: 'none' },
      security: { kind: 'plaintext' },
      timeoutMs: 30_000,
      output: 'table',
      progress: true,
    });
  });

  it('reads ACS_API_* from the environment', () => {
    const c = loadCliConfig(
      {},
      {
        ACS_API_ADDR: 'acs.example.net:443',
        ACS_API_KEY: 'k1',
        ACS_API_CA: '/ca.pem',
        ACS_API_TIMEOUT: '2.5',
      },
    );
    expect(c.address).toBe('acs.example.net:443');
    expect(c.credential).toEqual({ kind: 'api-key', key: 'k1' });
    expect(c.security).toEqual({ kind: 'tls', caFile: '/ca.pem' });
    expect(c.timeoutMs).toBe(2500);
  });

  it('lets flags override the environment, and a --token replace an API key from it', () => {
    const c = loadCliConfig(
      { addr: '[::1]:6000', token: 'jwt', tls: true, output: 'json' },
      { ACS_API_ADDR: 'other:1', ACS_API_KEY: 'k1' },
    );
    expect(c.address).toBe('[::1]:6000');
    expect(c.credential).toEqual({ kind: 'bearer', token: 'jwt' });
    expect(c.security).toEqual({ kind: 'tls' });
    expect(c.output).toBe('json');
  });

  it('refuses bad values naming the flag, with the usage exit code', () => {
    const cases: [Record<string, string | boolean>, Record<string, string>, RegExp][] = [
      [{ addr: 'no-port' }, {}, /--addr\/ACS_API_ADDR: expected HOST:PORT/],
      [{ timeout: 'soon' }, {}, /--timeout\/ACS_API_TIMEOUT/],
      [{}, { ACS_API_TIMEOUT: '-1' }, /ACS_API_TIMEOUT/],
      [{}, { ACS_API_KEY: 'a', ACS_API_TOKEN: 'b' }, /API key or a bearer token, not both/],
      [{ cert: '/c.pem' }, {}, /needs its key/],
      [{ output: 'yaml' }, {}, /--output: expected table or json/],
      [{ output: 'table', json: true }, {}, /--json contradicts --output table/],
      [{ tls: false, ca: '/ca.pem' }, {}, /need TLS/],
    ];
    for (const [options, env, message] of cases) {
      let error: unknown;
      try {
        loadCliConfig(options, env);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AcsctlError);
      expect((error as AcsctlError).message).toMatch(message);
      expect((error as AcsctlError).exitCode).toBe(ExitCode.Usage);
    }
  });

  it('treats an empty variable as unset', () => {
    expect(loadCliConfig({}, { ACS_API_KEY: '', ACS_API_ADDR: '' }).credential).toEqual({
      kind: 'none',
    });
  });

  it('turns progress off with --no-progress', () => {
    expect(loadCliConfig({ progress: false }, {}).progress).toBe(false);
  });
});

describe('isLoopbackAddress', () => {
  it('knows loopback hosts from others', () => {
    for (const a of ['127.0.0.1:1', '127.8.9.10:50051', 'localhost:80', '[::1]:443'])
      expect(isLoopbackAddress(a)).toBe(true);
    for (const a of ['10.0.0.1:1', 'acs.example.net:443', '[2001:db8::1]:443', '127.example.com:1'])
      expect(isLoopbackAddress(a)).toBe(false);
  });
});
