/**
 * Retries `probe` until it stops throwing (or returns a truthy value when it
 * returns a boolean), instead of sleeping a fixed time in tests.
 */
export async function expectEventually<T>(
  probe: () => T | Promise<T>,
  timeoutMs = 10_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = new Error('condition never became true');
  for (;;) {
    try {
      const value = await probe();
      if (value !== false) return value;
      lastError = new Error('condition returned false');
    } catch (e) {
      lastError = e;
    }
    if (Date.now() >= deadline) throw lastError;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
