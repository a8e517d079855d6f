// The listeners of a service's events (the job queue, the generation service): each added one gets every
// event until it unsubscribes, and one listener's failure (a closed connection) never stops the others.
export class Listeners<E> {
  private readonly all = new Set<(event: E) => void>();

  /** Returns the function that unsubscribes. */
  add(listener: (event: E) => void): () => void {
    this.all.add(listener);
    return () => this.all.delete(listener);
  }

  emit(event: E): void {
    for (const l of this.all) {
      try {
        l(event);
      } catch {
        // a listener's failure must not break the service or the other listeners
      }
    }
  }
}
