// File transfers for Download/Upload (TR-069 A.3.2.8, A.4.1.5) behind an injectable interface;
// the HTTP implementation really fetches and uploads.
import http from 'node:http';
import https from 'node:https';
import { buildBasicAuthorization, buildDigestAuthorization, parseDigestChallenge } from '@acs/cwmp';

export interface FileResponse {
  readonly status: number;
  /** The first KEPT_BYTES of the body (a firmware image is only counted, never held). */
  readonly body: Buffer;
  /** Bytes received in all. */
  readonly size: number;
}

export interface FileTransferClient {
  get(url: string, username: string, password: string): Promise<FileResponse>;
  put(url: string, username: string, password: string, body: Buffer): Promise<FileResponse>;
}

// Thousands of devices may download at once: bytes are counted as they stream, and only the first
// KEPT_BYTES are held (enough for the firmware header and a vendor configuration file).
export const KEPT_BYTES = 1024 * 1024;
const MAX_FILE_BYTES = 4 * 1024 * 1024 * 1024;
const TIMEOUT_MS = 30_000;

export class HttpFileTransferClient implements FileTransferClient {
  get(url: string, username: string, password: string): Promise<FileResponse> {
    return this.request('GET', url, username, password, undefined);
  }

  put(url: string, username: string, password: string, body: Buffer): Promise<FileResponse> {
    return this.request('PUT', url, username, password, body);
  }

  private async request(
    method: string,
    url: string,
    username: string,
    password: string,
    body: Buffer | undefined,
  ): Promise<FileResponse> {
    // Credentials only in answer to a challenge (never sent in clear unasked): Digest when the
    // server offers it, else Basic.
    const first = await once(method, url, body, undefined);
    if (first.status !== 401 || username === '' || first.challenge === undefined) return first;
    let authorization: string;
    try {
      authorization = /digest/i.test(first.challenge)
        ? buildDigestAuthorization({
            challenge: parseDigestChallenge(first.challenge),
            username,
            password,
            method,
            uri: new URL(url).pathname + new URL(url).search,
            nc: 1,
          })
        : buildBasicAuthorization(username, password);
    } catch {
      return first;
    }
    return once(method, url, body, authorization);
  }
}

function once(
  method: string,
  url: string,
  body: Buffer | undefined,
  authorization: string | undefined,
): Promise<FileResponse & { challenge?: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const mod = u.protocol === 'https:' ? https : http;
    const req = mod.request(
      u,
      {
        method,
        timeout: TIMEOUT_MS,
        headers: {
          ...(authorization === undefined ? {} : { authorization }),
          ...(body === undefined
            ? {}
            : { 'content-type': 'application/octet-stream', 'content-length': body.length }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          const kept = Math.min(c.length, Math.max(0, KEPT_BYTES - size));
          if (kept > 0) chunks.push(kept === c.length ? c : c.subarray(0, kept));
          size += c.length;
          if (size > MAX_FILE_BYTES) req.destroy(new Error('file too large'));
        });
        res.on('end', () => {
          const challenge = res.headers['www-authenticate'];
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks),
            size,
            ...(typeof challenge === 'string' ? { challenge } : {}),
          });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('file transfer timed out')));
    req.on('error', reject);
    req.end(body);
  });
}
