import type { MethodDefinition } from '@grpc/grpc-js';
import type { ApiPort, StreamOptions } from '../api.connection';

// An ApiPort for unit tests of command handlers: answers per method path with a function of the
// request (return the response, or throw what apiError() makes of a status), records calls.

type Answer = (request: unknown) => unknown;

export class FakeApi implements ApiPort {
  readonly calls: { path: string; request: unknown; options?: StreamOptions | undefined }[] = [];
  closed = false;
  private readonly unaryAnswers = new Map<string, Answer>();
  private readonly streamAnswers = new Map<string, (request: unknown) => AsyncIterable<unknown>>();

  on<Req, Res>(method: MethodDefinition<Req, Res>, answer: (request: Req) => Res): this {
    this.unaryAnswers.set(method.path, answer as Answer);
    return this;
  }

  onStream<Req, Res>(
    method: MethodDefinition<Req, Res>,
    answer: (request: Req) => AsyncIterable<Res>,
  ): this {
    this.streamAnswers.set(method.path, answer as (request: unknown) => AsyncIterable<unknown>);
    return this;
  }

  async unary<Req, Res>(method: MethodDefinition<Req, Res>, request: Req): Promise<Res> {
    // Round-trip through the wire format, as the real connection does.
    const decoded = method.requestDeserialize(method.requestSerialize(request));
    this.calls.push({ path: method.path, request: decoded });
    const answer = this.unaryAnswers.get(method.path);
    if (answer === undefined) throw new Error(`FakeApi: no answer for ${method.path}`);
    return answer(decoded) as Res;
  }

  async *serverStream<Req, Res>(
    method: MethodDefinition<Req, Res>,
    request: Req,
    options?: StreamOptions,
  ): AsyncIterable<Res> {
    const decoded = method.requestDeserialize(method.requestSerialize(request));
    this.calls.push({ path: method.path, request: decoded, options });
    const answer = this.streamAnswers.get(method.path);
    if (answer === undefined) throw new Error(`FakeApi: no answer for ${method.path}`);
    for await (const m of answer(decoded)) yield m as Res;
  }

  close(): void {
    this.closed = true;
  }
}
