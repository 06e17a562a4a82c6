import {
  Client,
  credentials,
  Metadata,
  status,
  type ChannelCredentials,
  type ServiceError,
} from '@grpc/grpc-js';
import { API_SERVICES, apiMethods, type ApiMethod } from '@acs/proto';

// A generic client of the API for tests and tools: any method by its path, from the generated
// service definitions (no hand-written list), with or without a credential.

export interface CallOutcome {
  readonly code: status;
  readonly details: string;
  readonly messages: unknown[];
  readonly trailers?: Metadata;
}

interface MethodDefinition {
  readonly path: string;
  readonly responseStream: boolean;
  readonly requestSerialize: (v: unknown) => Buffer;
  readonly responseDeserialize: (b: Buffer) => unknown;
  readonly requestDeserialize: (b: Buffer) => unknown;
}

function definitionOf(m: ApiMethod): MethodDefinition {
  const def = API_SERVICES[m.service] as unknown as Record<string, MethodDefinition>;
  const found = Object.values(def).find((d) => d.path === m.path);
  if (found === undefined) throw new Error(`no definition for ${m.path}`);
  return found;
}

export class ApiCaller {
  readonly client: Client;

  constructor(address: string, channel: ChannelCredentials = credentials.createInsecure()) {
    this.client = new Client(address, channel);
  }

  close(): void {
    this.client.close();
  }

  /**
   * Calls a method with `request` (a complete message, e.g. `XRequest.fromPartial({...})`;
   * default: the empty message). Resolves with the status and messages; never throws.
   */
  call(
    method: ApiMethod | string,
    request?: unknown,
    token?: string,
    timeoutMs = 10_000,
  ): Promise<CallOutcome> {
    const m = typeof method === 'string' ? apiMethods().find((x) => x.path === method) : method;
    if (m === undefined)
      throw new Error(`unknown method ${typeof method === 'string' ? method : method.path}`);
    const d = definitionOf(m);
    const metadata = new Metadata();
    if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
    const req = request ?? d.requestDeserialize(Buffer.alloc(0));
    const deadline = Date.now() + timeoutMs;
    return new Promise((resolve) => {
      if (!d.responseStream) {
        this.client.makeUnaryRequest(
          d.path,
          d.requestSerialize,
          d.responseDeserialize,
          req,
          metadata,
          { deadline },
          (err: ServiceError | null, res?: unknown) =>
            resolve(
              err === null
                ? { code: status.OK, details: '', messages: [res] }
                : { code: err.code, details: err.details, messages: [], trailers: err.metadata },
            ),
        );
        return;
      }
      const messages: unknown[] = [];
      const stream = this.client.makeServerStreamRequest(
        d.path,
        d.requestSerialize,
        d.responseDeserialize,
        req,
        metadata,
        { deadline },
      );
      stream.on('data', (x: unknown) => messages.push(x));
      stream.on('error', (err: ServiceError) =>
        resolve({ code: err.code, details: err.details, messages, trailers: err.metadata }),
      );
      stream.on('end', () => resolve({ code: status.OK, details: '', messages }));
    });
  }

  /** Opens a server stream and collects its messages as they come; `cancel` ends it. */
  open(method: string, request: unknown, token: string): OpenStream {
    const m = apiMethods().find((x) => x.path === method);
    if (m === undefined) throw new Error(`unknown method ${method}`);
    const d = definitionOf(m);
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    const messages: unknown[] = [];
    const stream = this.client.makeServerStreamRequest(
      d.path,
      d.requestSerialize,
      d.responseDeserialize,
      request,
      metadata,
      { deadline: Date.now() + 60_000 },
    );
    stream.on('data', (x: unknown) => messages.push(x));
    const ended = new Promise<status>((resolve) => {
      stream.on('error', (err: ServiceError) => resolve(err.code));
      stream.on('end', () => resolve(status.OK));
    });
    return { messages, ended, cancel: () => stream.cancel() };
  }
}

export interface OpenStream {
  readonly messages: unknown[];
  /** The final status (CANCELLED after `cancel`). */
  readonly ended: Promise<status>;
  cancel(): void;
}
