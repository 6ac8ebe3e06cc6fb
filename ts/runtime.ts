/** Which kernels run, and on how many threads. */
import { ErrorCodes, rangeError } from './errors';
import { native } from './native';
import { checkInteger } from './validate';

export interface CpuInfo {
  /** 'x64', 'arm64', 'arm', ... */
  arch: string;
  /** CPU features detected (and enabled by the OS), e.g. ['avx2', 'avx512vnni']. */
  features: string[];
  /** The kernel path in use. */
  isa: string;
  /** Paths usable on this CPU with this binary, reference first, best last. */
  available: string[];
  /** Paths compiled into this binary (some may need CPU features this machine lacks). */
  built: string[];
}

export function cpuInfo(): CpuInfo {
  const info = native.cpuInfo();
  return {
    arch: info.arch, features: info.features ? info.features.split(' ') : [], isa: info.isa, available: info.available,
    built: info.built,
  };
}

/**
 * Forces a kernel path: 'auto' (the best, the default) or one of cpuInfo().available. 'ref' runs
 * the scalar reference kernels (the specification). Process-wide; for tests and benchmarks.
 */
export function setIsa(isa: string): void {
  const available = native.cpuInfo().available;
  if (isa !== 'auto' && !available.includes(isa)) {
    throw rangeError('setIsa', `isa '${String(isa)}' is not available here (available: auto, ${available.join(', ')})`,
      ErrorCodes.UNKNOWN_ISA);
  }
  native.setIsa(isa);
}

/** Threads one call may use (the caller's included). Default: the cores available to the process. */
export function setThreads(n: number): void {
  native.setThreads(checkInteger('setThreads', 'n', n, 1, 1024));
}

export function getThreads(): number {
  return native.getThreads();
}

/** How many calls each kernel path has served since load (tests use it to prove a path ran). */
export function isaCalls(isa: string): number {
  return native.isaCalls(isa);
}
