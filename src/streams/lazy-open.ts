/** A resource an adapter opens on first use: a failed open is retried on the next use; close() asks what was opened. */
export function lazy<T>(open: () => Promise<T>): { get: () => Promise<T>; opened: () => Promise<T | undefined>; reset: () => void } {
  let promise: Promise<T> | undefined;
  return {
    get() {
      promise ??= open();
      promise.catch(() => {
        promise = undefined;
      });
      return promise;
    },
    opened: async () => (promise ? promise.catch(() => undefined) : undefined),
    reset() {
      promise = undefined;
    },
  };
}
