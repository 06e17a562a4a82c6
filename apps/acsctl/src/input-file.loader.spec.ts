import { AcsctlError, AcsctlErrorCode } from './acsctl.error';
import { ExitCode } from './cli.exit-codes';
import { MAX_INPUT_BYTES, parseInputFile } from './input-file.loader';

function failure(text: string): AcsctlError {
  try {
    parseInputFile('p.yaml', text);
  } catch (e) {
    if (e instanceof AcsctlError) return e;
    throw e;
  }
  throw new Error('parsed');
}

describe(parseInputFile.name, () => {
  it('reads YAML and JSON into the same object', () => {
    const yaml = 'name: wifi\npriority: 10\nparameters:\n  Device.WiFi.SSID.1.SSID: guest\n';
    const json = '{"name":"wifi","priority":10,"parameters":{"Device.WiFi.SSID.1.SSID":"guest"}}';
    expect(parseInputFile('a.yaml', yaml)).toEqual(parseInputFile('a.json', json));
    expect(parseInputFile('a.yaml', yaml)).toEqual({
      name: 'wifi',
      priority: 10,
      parameters: { 'Device.WiFi.SSID.1.SSID': 'guest' },
    });
  });

  it('names the file and line of a syntax error, with the usage exit code', () => {
    const e = failure('name: a\nparameters: [1, 2\n');
    expect(e.code).toBe(AcsctlErrorCode.InvalidFile);
    expect(e.exitCode).toBe(ExitCode.Usage);
    expect(e.message).toMatch(/^p\.yaml: line \d+, column \d+: /);
  });

  it('refuses a repeated key', () => {
    expect(failure('name: a\nname: b\n').message).toMatch(/^p\.yaml: line 2/);
  });

  it('refuses a top level that is not a mapping', () => {
    for (const t of ['- a\n- b\n', '42', '', 'null'])
      expect(failure(t).message).toBe('p.yaml: expected a mapping (an object) at the top level');
  });

  it('refuses an alias bomb and an oversized file without expanding them', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++)
      lines.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(', ')}]`,
      );
    expect(failure(lines.join('\n')).code).toBe(AcsctlErrorCode.InvalidFile);
    expect(failure(`a: "${'x'.repeat(MAX_INPUT_BYTES)}"`).message).toMatch(/larger than/);
  });
});
