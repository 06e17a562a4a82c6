import { Http1Failure, parseHead } from './http1.exchange';

describe('parseHead', () => {
  it('keeps an HTTP/1.1 connection with a known body length, and joins several challenges', () => {
    expect(
      parseHead(
        'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm="a"\r\nwww-authenticate: Basic realm="a"\r\nContent-Length: 5',
      ),
    ).toEqual({
      status: 401,
      reusable: true,
      bodyLength: 5,
      wwwAuthenticate: 'Digest realm="a", Basic realm="a"',
    });
  });

  it('does not reuse a connection the CPE closes, a chunked or unbounded body, or HTTP/1.0', () => {
    expect(parseHead('HTTP/1.1 401 x\r\nConnection: close\r\nContent-Length: 0').reusable).toBe(
      false,
    );
    expect(parseHead('HTTP/1.1 401 x\r\nTransfer-Encoding: chunked').reusable).toBe(false);
    expect(parseHead('HTTP/1.1 401 x').reusable).toBe(false);
    expect(parseHead('HTTP/1.1 401 x\r\nContent-Length: 70000').reusable).toBe(false);
    expect(parseHead('HTTP/1.0 401 x\r\nContent-Length: 0').reusable).toBe(false);
    expect(
      parseHead('HTTP/1.0 401 x\r\nConnection: keep-alive\r\nContent-Length: 0').reusable,
    ).toBe(true);
  });

  it('knows 204 has no body and reads Retry-After', () => {
    expect(parseHead('HTTP/1.1 204 No Content')).toEqual({
      status: 204,
      reusable: true,
      bodyLength: 0,
    });
    expect(parseHead('HTTP/1.1 503 Busy\r\nRetry-After: 7\r\nContent-Length: 0').retryAfter).toBe(
      '7',
    );
  });

  it.each([
    ['not HTTP', 'SSH-2.0-x'],
    ['HTTP/2 text', 'HTTP/2 200'],
    ['a header without a name', 'HTTP/1.1 200 OK\r\n: x'],
    ['a NUL in a header', 'HTTP/1.1 200 OK\r\nX: a\0b'],
    ['a bad Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: -1'],
  ])('throws Http1Failure for %s', (_n, head) => {
    expect(() => parseHead(head)).toThrow(Http1Failure);
  });
});
