import { cellText, renderFields, renderJsonLine, renderTable, toJson } from './output.formatter';

describe('renderTable', () => {
  it('aligns columns to the widest cell and does not pad the last one', () => {
    const rows = [
      { id: 'A-1', model: 'HG8245', seen: 3 },
      { id: 'LONGER-ID', model: undefined, seen: 12 },
    ];
    const text = renderTable(rows, [
      { header: 'ID', value: (r) => r.id },
      { header: 'MODEL', value: (r) => r.model },
      { header: 'SEEN', value: (r) => r.seen },
    ]);
    expect(text).toBe(
      ['ID         MODEL   SEEN', 'A-1        HG8245  3', 'LONGER-ID  -       12', ''].join('\n'),
    );
  });

  it('prints the header alone for no rows', () => {
    expect(renderTable([], [{ header: 'ID', value: () => 'x' }])).toBe('ID\n');
  });
});

describe('cellText', () => {
  it('escapes terminal control sequences a device could put in a value', () => {
    expect(cellText('ok\x1b]0;pwned\x07\x1b[2J')).toBe('ok\\x1b]0;pwned\\x07\\x1b[2J');
    expect(cellText('a\nb\tc\r')).toBe('a\\nb\\tc\\r');
    expect(cellText('csi\u009b31m')).toBe('csi\\x9b31m');
  });

  it('shows objects as compact JSON, bigints in full and nothing as a dash', () => {
    expect(cellText({ a: [1, 'x'] })).toBe('{"a":[1,"x"]}');
    expect(cellText(2n ** 64n)).toBe('18446744073709551616');
    expect(cellText(undefined)).toBe('-');
    expect(cellText(null)).toBe('-');
    expect(cellText('')).toBe('-');
    expect(cellText(false)).toBe('false');
  });
});

describe('renderFields', () => {
  it('prints aligned key/value lines', () => {
    expect(
      renderFields([
        ['id', 'D'],
        ['lastInform', 5],
      ]),
    ).toBe('id          D\nlastInform  5\n');
  });
});

describe('toJson', () => {
  it('writes bigints as strings, bytes as base64, and escapes C1 controls, staying valid JSON', () => {
    const text = toJson({ n: 9007199254740993n, b: new Uint8Array([1, 2, 3]), s: 'x\u009by' });
    expect(text).not.toMatch(/[\u0080-\u009f]/);
    expect(JSON.parse(text)).toEqual({ n: '9007199254740993', b: 'AQID', s: 'x\u009by' });
  });

  it('writes one line per document for streams', () => {
    expect(renderJsonLine({ a: { b: 1 } })).toBe('{"a":{"b":1}}\n');
  });
});
