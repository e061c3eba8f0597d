/**
 * Listeners of one kind of event of this process, called synchronously in turn, in the order they
 * were added; they must not throw.
 */
export class Listeners<T> {
  private readonly listeners = new Set<(event: T) => void>();

  /** Adds `listener`; returns the unsubscribe. */
  add(listener: (event: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  call(event: T): void {
    for (const listener of this.listeners) {
      listener(event);
    }
  }
}
