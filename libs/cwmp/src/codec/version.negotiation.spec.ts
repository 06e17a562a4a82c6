import { negotiateVersion, type NegotiationInput } from './version.negotiation';

const ALL = ['1.0', '1.1', '1.2', '1.3', '1.4'] as const;

describe(negotiateVersion.name, () => {
  it.each<[string, NegotiationInput, ReturnType<typeof negotiateVersion>]>([
    [
      '1.4 CPE, full ACS: highest common, announced',
      {
        cpeNamespace: 'urn:dslforum-org:cwmp-1-2',
        supportedCwmpVersions: ['1.0', '1.1', '1.2', '1.3', '1.4'],
        acsVersions: ALL,
      },
      { ok: true, version: '1.4', namespace: 'urn:dslforum-org:cwmp-1-2', useCwmpVersion: '1.4' },
    ],
    [
      '1.4 CPE, 1.2 ACS',
      {
        cpeNamespace: 'urn:dslforum-org:cwmp-1-2',
        supportedCwmpVersions: ['1.0', '1.2', '1.4'],
        acsVersions: ['1.0', '1.1', '1.2'],
      },
      { ok: true, version: '1.2', namespace: 'urn:dslforum-org:cwmp-1-2', useCwmpVersion: '1.2' },
    ],
    [
      'CPE offers only 1.0 and 1.1',
      {
        cpeNamespace: 'urn:dslforum-org:cwmp-1-1',
        supportedCwmpVersions: [' 1.0', '1.1 '],
        acsVersions: ALL,
      },
      { ok: true, version: '1.1', namespace: 'urn:dslforum-org:cwmp-1-1', useCwmpVersion: '1.1' },
    ],
    [
      'no header: answer in the Inform namespace',
      { cpeNamespace: 'urn:dslforum-org:cwmp-1-0', acsVersions: ALL },
      { ok: true, version: '1.0', namespace: 'urn:dslforum-org:cwmp-1-0' },
    ],
    [
      'no header, field device in cwmp-1-4: echoed',
      { cpeNamespace: 'urn:dslforum-org:cwmp-1-4', acsVersions: ALL },
      { ok: true, version: '1.4', namespace: 'urn:dslforum-org:cwmp-1-4' },
    ],
    [
      'empty header behaves like none',
      { cpeNamespace: 'urn:dslforum-org:cwmp-1-1', supportedCwmpVersions: [], acsVersions: ALL },
      { ok: true, version: '1.1', namespace: 'urn:dslforum-org:cwmp-1-1' },
    ],
  ])('%s', (_name, input, expected) => {
    expect(negotiateVersion(input)).toEqual(expected);
  });

  it.each<[string, NegotiationInput]>([
    [
      'no common version (fault 8006)',
      {
        cpeNamespace: 'urn:dslforum-org:cwmp-1-2',
        supportedCwmpVersions: ['1.4'],
        acsVersions: ['1.0', '1.2'],
      },
    ],
    [
      'ACS does not speak the Inform version',
      { cpeNamespace: 'urn:dslforum-org:cwmp-1-0', acsVersions: ['1.2', '1.4'] },
    ],
    ['not a cwmp namespace', { cpeNamespace: 'urn:example', acsVersions: ALL }],
  ])('refuses: %s', (_name, input) => {
    expect(negotiateVersion(input)).toMatchObject({
      ok: false,
      reason: expect.any(String) as string,
    });
  });
});
