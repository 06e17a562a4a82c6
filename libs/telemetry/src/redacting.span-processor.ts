import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { scrubAttributesInPlace } from './span.attributes';

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
