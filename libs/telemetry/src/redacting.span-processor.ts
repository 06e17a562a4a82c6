import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { redactText, scrubAttributesInPlace } from './span.attributes';

/**
 * Runs first in the SDK's processor chain and removes credential-looking attributes from every
 * span, its events and links just before export (onEnding: the span is complete but not yet
 * handed to exporters). The span helpers already redact; this catches `span.setAttribute` calls
 * made directly, so no exported span ever carries a password, whatever the caller did.
 */
export class RedactingSpanProcessor implements SpanProcessor {
  onStart(_span: Span, _parentContext: Context): void {}

  onEnding(span: Span): void {
    scrubAttributesInPlace(span.attributes);
    const message = span.status.message;
    if (message !== undefined) {
      const safe = redactText(message);
      // ReadableSpan.status is readonly in the type; the SDK's span object holds it as a field.
      if (safe !== message)
        (span as { status: typeof span.status }).status = { ...span.status, message: safe };
    }
    for (const event of span.events) {
      if (event.attributes !== undefined) scrubAttributesInPlace(event.attributes);
    }
    for (const link of span.links) {
      if (link.attributes !== undefined) scrubAttributesInPlace(link.attributes);
    }
  }

  onEnd(_span: ReadableSpan): void {}

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {}
}
