import { request, Agent, type IncomingHttpHeaders } from 'node:http';
import { gzipSync } from 'node:zlib';
import {
  buildBasicAuthorization,
  buildDigestAuthorization,
  parseDigestChallenge,
  parseEnvelope,
  serializeEnvelope,
  type CwmpEnvelope,
  type CwmpMessage,
  type CwmpVersion,
  type DigestChallenge,
  type EventStruct,
  type ParameterValue,
} from '@acs/cwmp';

export interface CpeIdentity {
  readonly manufacturer: string;
  readonly oui: string;
  readonly productClass: string;
  readonly serialNumber: string;
}

export interface CpeTestClientOptions {
  /** e.g. http://127.0.0.1:7547/ — loopback only in tests and benchmarks. */
  readonly url: string;
  readonly identity: CpeIdentity;
  /** TR-181 `Device.` or TR-098 `InternetGatewayDevice.`. */
  readonly root: 'Device' | 'InternetGatewayDevice';
  readonly version?: CwmpVersion;
  readonly auth?: {
    readonly scheme: 'digest' | 'basic';
    readonly username: string;
    readonly password: string;
  };
  /** Compress request bodies. */
  readonly gzip?: boolean;
  readonly agent?: Agent;
}

export interface CpeReply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  readonly envelope?: CwmpEnvelope;
}

/**
 * A minimal CWMP client for tests and the load generator: one CPE, keep-alive, session cookie,
 * pre-emptive Basic or Digest (answering the 401 challenge). Not a simulator: callers script
 * the session.
 */
export class CpeTestClient {
  private cookie: string | undefined;
  private digest: { challenge: DigestChallenge; nc: number } | undefined;
  private idSeq = 0;
  readonly agent: Agent;

  constructor(readonly options: CpeTestClientOptions) {
    this.agent = options.agent ?? new Agent({ keepAlive: true, maxSockets: 1 });
  }

  get version(): CwmpVersion {
    return this.options.version ?? '1.2';
  }

  /** Forgets the session cookie (a new session, or a CPE that lost it). */
  resetSession(): void {
    this.cookie = undefined;
  }

  get sessionCookie(): string | undefined {
    return this.cookie;
  }

  informMessage(
    events: readonly string[],
    extra: readonly ParameterValue[] = [],
    retryCount = 0,
  ): CwmpMessage {
    const r = this.options.root;
    const s = (name: string, value: string): ParameterValue => ({
      name: `${r}.${name}`,
      value: { type: 'string', value },
    });
    const event: EventStruct[] = events.map((e) => {
      const [code, key] = e.split('|');
      return { eventCode: code ?? e, commandKey: key ?? '' };
    });
    return {
      type: 'Inform',
      deviceId: this.options.identity,
      event,
      maxEnvelopes: 1,
      currentTime: '2026-11-29T10:00:00Z',
      retryCount,
      parameterList: [
        s('DeviceInfo.HardwareVersion', 'HW1'),
        s('DeviceInfo.SoftwareVersion', 'SW1'),
        s('DeviceInfo.ProvisioningCode', ''),
        s('ManagementServer.ParameterKey', ''),
        s('ManagementServer.ConnectionRequestURL', 'http://127.0.0.1:7548/cr'),
        r === 'Device'
          ? s('ManagementServer.AliasBasedAddressing', 'false')
          : s('WANDevice.1.WANConnectionDevice.1.WANIPConnection.1.ExternalIPAddress', '127.0.0.2'),
        ...extra,
      ],
    };
  }

  /** Serializes and POSTs one message (null = empty POST); answers a Digest challenge once. */
  async send(message: CwmpMessage | null, headers: Record<string, string> = {}): Promise<CpeReply> {
    const body =
      message === null
        ? ''
        : serializeEnvelope({
            version: this.version,
            header: { id: String(++this.idSeq) },
            body: message,
          });
    return this.post(body, headers);
  }

  async post(body: string | Buffer, headers: Record<string, string> = {}): Promise<CpeReply> {
    let reply = await this.raw(body, { ...this.authHeader(), ...headers });
    if (reply.status === 401 && this.options.auth?.scheme === 'digest') {
      const challenge = reply.headers['www-authenticate'];
      if (challenge !== undefined && /digest/i.test(challenge)) {
        this.digest = { challenge: parseDigestChallenge(challenge), nc: 0 };
        reply = await this.raw(body, { ...this.authHeader(), ...headers });
      }
    }
    return reply;
  }

  private authHeader(): Record<string, string> {
    const a = this.options.auth;
    if (a === undefined) return {};
    if (a.scheme === 'basic')
      return { authorization: buildBasicAuthorization(a.username, a.password) };
    if (this.digest === undefined) return {};
    this.digest.nc++;
    return {
      authorization: buildDigestAuthorization({
        username: a.username,
        password: a.password,
        method: 'POST',
        uri: new URL(this.options.url).pathname,
        challenge: this.digest.challenge,
        nc: this.digest.nc,
      }),
    };
  }

  private raw(body: string | Buffer, headers: Record<string, string>): Promise<CpeReply> {
    let payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const h: Record<string, string> = { ...headers };
    if (payload.length > 0) {
      h['content-type'] ??= 'text/xml; charset="utf-8"';
      if (this.options.gzip === true) {
        payload = gzipSync(payload);
        h['content-encoding'] = 'gzip';
      }
    }
    h['content-length'] = String(payload.length);
    if (this.cookie !== undefined) h['cookie'] = this.cookie;
    return new Promise((resolve, reject) => {
      const req = request(
        this.options.url,
        { method: 'POST', agent: this.agent, headers: h },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const setCookie = res.headers['set-cookie']?.[0];
            if (setCookie !== undefined) this.cookie = setCookie.split(';')[0];
            if (res.statusCode === 204) this.cookie = undefined;
            const text = Buffer.concat(chunks).toString('utf8');
            const isXml = (res.headers['content-type'] ?? '').includes('xml') && text.length > 0;
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text,
              ...(isXml ? { envelope: parseEnvelope(text) } : {}),
            });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
