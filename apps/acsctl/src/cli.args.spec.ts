import { AcsctlError } from './acsctl.error';
import { intOption, parseCommandLine } from './cli.args';
import { ExitCode } from './cli.exit-codes';

function usageFailure(argv: string[]): AcsctlError {
  try {
    parseCommandLine(argv);
  } catch (e) {
    if (e instanceof AcsctlError) return e;
    throw e;
  }
  throw new Error(`no error for ${argv.join(' ')}`);
}

describe('parseCommandLine', () => {
  it('finds the command and its positionals, with options before or after the words', () => {
    const a = parseCommandLine(['--json', 'devices', 'tag', 'add', 'DEV-1', 'lab', 'eu']);
    const b = parseCommandLine(['devices', 'tag', 'add', 'DEV-1', 'lab', 'eu', '--json']);
    for (const p of [a, b]) {
      expect(p.kind).toBe('run');
      if (p.kind !== 'run') continue;
      expect(p.command.path).toEqual(['devices', 'tag', 'add']);
      expect(p.args).toEqual(['DEV-1', 'lab', 'eu']);
      expect(p.options['json']).toBe(true);
    }
  });

  it('reads string options in both --name value and --name=value forms, and short -o/-f', () => {
    const p = parseCommandLine([
      'devices',
      'list',
      '--filter',
      'tag = "x"',
      '--page-size=50',
      '-o',
      'json',
    ]);
    expect(p).toMatchObject({
      kind: 'run',
      options: { filter: 'tag = "x"', 'page-size': '50', output: 'json' },
    });
    const f = parseCommandLine(['profiles', 'apply', '-f', 'p.yaml']);
    expect(f).toMatchObject({ kind: 'run', options: { file: 'p.yaml' } });
  });

  it('treats a value that looks like a command word as the option value', () => {
    const p = parseCommandLine(['devices', 'list', '--filter', 'list']);
    expect(p).toMatchObject({ kind: 'run', args: [], options: { filter: 'list' } });
  });

  it('accepts --no-progress', () => {
    expect(parseCommandLine(['wake', 'D', '--no-progress'])).toMatchObject({
      options: { progress: false },
    });
  });

  it('shows help for no command, a group, or --help', () => {
    expect(parseCommandLine([])).toEqual({ kind: 'help', path: [] });
    expect(parseCommandLine(['devices'])).toEqual({ kind: 'help', path: ['devices'] });
    expect(parseCommandLine(['devices', 'tag'])).toEqual({
      kind: 'help',
      path: ['devices', 'tag'],
    });
    expect(parseCommandLine(['params', 'set', '--help'])).toEqual({
      kind: 'help',
      path: ['params', 'set'],
    });
  });

  it('refuses an unknown command, naming it, with the usage exit code', () => {
    const e = usageFailure(['devices', 'frobnicate']);
    expect(e.message).toContain('devices frobnicate');
    expect(e.exitCode).toBe(ExitCode.Usage);
    expect(usageFailure(['reboot', 'X']).message).toContain('"reboot"');
  });

  it('refuses an option the command does not have, even one another command has', () => {
    expect(usageFailure(['devices', 'get', 'D', '--live']).message).toMatch(
      /devices get: .*--live/,
    );
    expect(usageFailure(['devices', 'get', 'D', '--bogus']).message).toContain('--bogus');
  });

  it('refuses a missing option value', () => {
    expect(usageFailure(['devices', 'list', '--filter']).message).toContain('--filter');
  });

  it('refuses too few or too many positionals', () => {
    expect(usageFailure(['devices', 'get']).message).toContain('expected DEVICE, got 0');
    expect(usageFailure(['devices', 'get', 'A', 'B']).message).toContain('got 2');
    expect(usageFailure(['devices', 'list', 'X']).message).toContain('expected no arguments');
    expect(usageFailure(['devices', 'tag', 'add', 'D']).message).toContain('DEVICE TAG...');
  });

  it('takes arguments after -- literally, even when they start with a dash', () => {
    expect(parseCommandLine(['devices', 'tag', 'add', 'D', '--', '-odd-tag'])).toMatchObject({
      args: ['D', '-odd-tag'],
    });
  });
});

describe('intOption', () => {
  it('reads an integer within bounds and refuses anything else, naming the option', () => {
    expect(intOption({ n: '25' }, 'n', 1, 100)).toBe(25);
    expect(intOption({}, 'n', 1, 100)).toBeUndefined();
    for (const bad of ['0', '101', '-1', '1.5', '1e3', 'ten', ''])
      expect(() => intOption({ n: bad }, 'n', 1, 100)).toThrow(
        /--n: expected an integer from 1 to 100/,
      );
  });
});
