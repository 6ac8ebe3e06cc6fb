/**
 * @internal The one native object a weights class holds until dispose(). Every use after that
 * throws a TypeError with code ERR_EDGE_INT8_DISPOSED naming the function that tried.
 */
import { ErrorCodes, typeError } from './errors';
import type { NativeHandle } from './native';

export class NativeOwner<T extends NativeHandle> {
  #native: T | null;
  readonly #id: number;
  readonly #what: string;

  /** `what` names the public class in the DISPOSED message, e.g. 'PackedWeights'. */
  constructor(native: T, what: string) {
    this.#native = native;
    this.#id = native.id();
    this.#what = what;
  }

  get disposed(): boolean {
    return this.#native === null;
  }

  /** The native object, or a DISPOSED TypeError naming `fn`. */
  live(fn: string): T {
    if (this.#native === null) throw typeError(fn, `${this.#what} used after dispose()`, ErrorCodes.DISPOSED);
    return this.#native;
  }

  /** The id the native matmul functions take, or a DISPOSED TypeError naming `fn`. */
  id(fn: string): number {
    this.live(fn);
    return this.#id;
  }

  /** Frees the native memory now. Idempotent. */
  dispose(): void {
    this.#native?.dispose();
    this.#native = null;
  }
}
