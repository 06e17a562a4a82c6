import { readFile } from 'node:fs/promises';
import {
  Client,
  Metadata,
  credentials as grpcCredentials,
  status as GrpcStatus,
  type ChannelCredentials,
  type MethodDefinition,
  type ServiceError,
} from '@grpc/grpc-js';
import { ERROR_DETAIL_TRAILER, ErrorDetail } from '@acs/proto';
import { AcsctlError, AcsctlErrorCode } from './acsctl.error';
import type { CliConfig, Credential } from './cli.config';
import { exitCodeForGrpcStatus } from './cli.exit-codes';

// The one place that talks gRPC. Commands call methods by their generated definitions
// (`DevicesServiceService.listDevices`), so requests and responses stay typed, and receive every
// failure as an AcsctlError carrying the exit code of its status and the API's ErrorDetail
// (the `acs-error-bin` trailer: which field, which reason). Unit tests swap in a fake ApiPort.

export interface ApiPort {
  unary<Req, Res>(method: MethodDefinition<Req, Res>, request: Req): Promise<Res>;
  /**
   * Server stream; ends when the server ends it; a non-OK status is thrown from the iteration.
   * The deadline is --timeout unless `deadlineMs` says otherwise (`null`: none, for a watch).
   */
  serverStream<Req, Res>(
    method: MethodDefinition<Req, Res>,
    request: Req,
    options?: StreamOptions,
  ): AsyncIterable<Res>;
  close(): void;
}

export interface StreamOptions {
  readonly deadlineMs?: number | null;
}

export class GrpcApiConnection implements ApiPort {
  private constructor(
    private readonly client: Client,
    private readonly credential: Credential,
    private readonly timeoutMs: number,
    private readonly signal: AbortSignal,
  ) {}

  static async open(config: CliConfig, signal: AbortSignal): Promise<GrpcApiConnection> {
    const channel = await channelCredentials(config);
    const options =
      config.security.kind === 'tls' && config.security.serverName !== undefined
        ? { 'grpc.ssl_target_name_override': config.security.serverName }
        : {};
    const client = new Client(config.address, channel, options);
    return new GrpcApiConnection(client, config.credential, config.timeoutMs, signal);
  }

  unary<Req, Res>(method: MethodDefinition<Req, Res>, request: Req): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      const call = this.client.makeUnaryRequest(
        method.path,
        method.requestSerialize,
        method.responseDeserialize,
        request,
        this.metadata(),
        { deadline: this.deadline() },
        (error: ServiceError | null, response?: Res) => {
          this.signal.removeEventListener('abort', cancel);
          if (error !== null) reject(apiError(method.path, error));
          else if (response === undefined)
            reject(new AcsctlError(AcsctlErrorCode.BadResponse, `${method.path}: empty response`));
          else resolve(response);
        },
      );
      const cancel = (): void => call.cancel();
      this.signal.addEventListener('abort', cancel, { once: true });
    });
  }

  async *serverStream<Req, Res>(
    method: MethodDefinition<Req, Res>,
    request: Req,
    options?: StreamOptions,
  ): AsyncIterable<Res> {
    const ms = options?.deadlineMs;
    const call = this.client.makeServerStreamRequest(
      method.path,
      method.requestSerialize,
      method.responseDeserialize,
      request,
      this.metadata(),
      {
        deadline:
          ms === null ? Infinity : ms === undefined ? this.deadline() : new Date(Date.now() + ms),
      },
    );
    const cancel = (): void => call.cancel();
    this.signal.addEventListener('abort', cancel, { once: true });
    try {
      // A ClientReadableStream is a Readable in object mode: async iteration yields each message
      // and throws the ServiceError of a non-OK status.
      for await (const message of call as AsyncIterable<Res>) yield message;
    } catch (e) {
      throw isServiceError(e) ? apiError(method.path, e) : e;
    } finally {
      this.signal.removeEventListener('abort', cancel);
      call.cancel();
    }
  }

  close(): void {
    this.client.close();
  }

  private deadline(): Date {
    return new Date(Date.now() + this.timeoutMs);
  }

  private metadata(): Metadata {
    const m = new Metadata();
    for (const [k, v] of authHeaders(this.credential)) m.set(k, v);
    return m;
  }
}

/** The request headers that carry the credential (the API accepts either form for a key). */
export function authHeaders(credential: Credential): [string, string][] {
  switch (credential.kind) {
    case 'none':
      return [];
    case 'api-key':
      return [['x-api-key', credential.key]];
    case 'bearer':
      return [['authorization', `Bearer ${credential.token}`]];
  }
}

async function channelCredentials(config: CliConfig): Promise<ChannelCredentials> {
  const s = config.security;
  if (s.kind === 'plaintext') return grpcCredentials.createInsecure();
  const read = async (file: string | undefined, what: string): Promise<Buffer | null> => {
    if (file === undefined) return null;
    try {
      return await readFile(file);
    } catch (e) {
      throw new AcsctlError(
        AcsctlErrorCode.InvalidFile,
        `${what} ${file}: ${(e as Error).message}`,
      );
    }
  };
  return grpcCredentials.createSsl(
    await read(s.caFile, 'CA certificate'),
    await read(s.keyFile, 'client key'),
    await read(s.certFile, 'client certificate'),
  );
}

function isServiceError(e: unknown): e is ServiceError {
  return (
    e instanceof Error && typeof (e as Partial<ServiceError>).code === 'number' && 'metadata' in e
  );
}

/** A non-OK status as the CLI reports it: status name, the server's message, the field at fault. */
export function apiError(path: string, error: ServiceError): AcsctlError {
  const detail = errorDetail(error.metadata);
  const name = GrpcStatus[error.code] ?? String(error.code);
  const parts = [`${name}: ${error.details || error.message}`];
  if (detail !== undefined) {
    if (detail.field !== '' && !parts[0]!.includes(detail.field))
      parts.push(`field: ${detail.field}`);
    if (detail.position !== undefined) parts.push(`at character ${detail.position + 1}`);
    for (const issue of detail.issues) if (!parts[0]!.includes(issue)) parts.push(issue);
  }
  return new AcsctlError(
    AcsctlErrorCode.Api,
    `${path.slice(path.lastIndexOf('/') + 1)}: ${parts.join('\n  ')}`,
    exitCodeForGrpcStatus(error.code),
    {
      cause: error,
      grpcStatus: error.code,
    },
  );
}

function errorDetail(metadata: Metadata | undefined): ErrorDetail | undefined {
  const raw = metadata?.get(ERROR_DETAIL_TRAILER)[0];
  if (!(raw instanceof Buffer)) return undefined;
  try {
    return ErrorDetail.decode(raw);
  } catch {
    // A malformed detail must not hide the status itself.
    return undefined;
  }
}

/** The gRPC status of an API failure, or undefined for other errors. */
export function grpcStatusOf(e: unknown): GrpcStatus | undefined {
  return e instanceof AcsctlError ? e.grpcStatus : undefined;
}
