import { DLQ_HEADER, type DeliveredMessage, type OutgoingMessage } from './event-bus.port';

/** The dead-letter copy of a message: same key, value and headers, plus where it came from. */
export function deadLetterOf(message: DeliveredMessage, error: unknown): OutgoingMessage {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return {
    key: message.key,
    value: message.value,
    headers: {
      ...message.headers,
      [DLQ_HEADER.topic]: message.topic,
      [DLQ_HEADER.partition]: String(message.partition),
      [DLQ_HEADER.offset]: message.offset,
      [DLQ_HEADER.error]: reason.slice(0, 1000),
    },
  };
}

/**
 * Runs `handler` up to `maxAttempts` times with doubling backoff; reports
 * whether it finally succeeded, and the last error if not.
 */
export async function runWithRetries(
  message: Omit<DeliveredMessage, 'attempt'>,
  handler: (m: DeliveredMessage) => Promise<void>,
  maxAttempts: number,
  backoffMs: number,
  stopped: () => boolean,
): Promise<{ ok: true } | { ok: false; error: unknown }> {
  let error: unknown;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    try {
      await handler({ ...message, attempt });
      return { ok: true };
    } catch (e) {
      error = e;
      if (stopped()) break;
      if (attempt < maxAttempts) await sleep(backoffMs * 2 ** (attempt - 1));
    }
  }
  return { ok: false, error };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
