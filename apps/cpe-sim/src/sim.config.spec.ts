import { ConfigError } from '@acs/config';
import { argvRecord, loadSimOptions } from './sim.config';

describe(loadSimOptions.name, () => {
  it('reads --name value, --name=value and bare flags', () => {
    expect(argvRecord(['--devices', '10', '--acs-url=http://127.0.0.1:1/', '--quiet'])).toEqual({
      devices: '10',
      'acs-url': 'http://127.0.0.1:1/',
      quiet: 'true',
    });
  });

  it('applies defaults and parses a template mix', () => {
    const o = loadSimOptions(['--templates', 'tr181:3,tr098:1', '--quirk-share', '0.2']);
    expect(o).toMatchObject({
      devices: 100,
      templates: [
        { template: 'tr181', share: 3 },
        { template: 'tr098', share: 1 },
      ],
      'quirk-share': 0.2,
      'cwmp-version': '1.2',
      quiet: false,
    });
  });

  it('refuses unknown options, stray arguments and bad values with every problem listed', () => {
    expect(() => loadSimOptions(['--bogus', '1'])).toThrow('unknown option(s): --bogus');
    expect(() => loadSimOptions(['devices'])).toThrow('unexpected argument');
    expect(() =>
      loadSimOptions(['--devices', '0', '--templates', 'tr999', '--cwmp-version', '2.0']),
    ).toThrow(ConfigError);
  });
});
