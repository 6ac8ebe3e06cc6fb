/**
 * Every error edge-int8 throws carries a stable `code`. Wrong kind of value -> TypeError;
 * a value of the right kind that is out of its allowed range, shape or length -> RangeError.
 */
export const ErrorCodes = {
  /** An argument is not the kind of value required (e.g. Int8Array where Float32Array is needed). */
  INVALID_TYPE: 'ERR_EDGE_INT8_INVALID_TYPE',
  /** A shape, dimension or axis is invalid or inconsistent with another argument. */
  INVALID_SHAPE: 'ERR_EDGE_INT8_INVALID_SHAPE',
  /** A typed array's length does not match the shape it goes with. */
  INVALID_LENGTH: 'ERR_EDGE_INT8_INVALID_LENGTH',
  /** A number (scale, zero point, clamp, thread count, option value) is outside its range. */
  OUT_OF_RANGE: 'ERR_EDGE_INT8_OUT_OF_RANGE',
  /** NaN or +-Infinity where a finite number is required. */
  NON_FINITE: 'ERR_EDGE_INT8_NON_FINITE',
  /** K is so large that the int32 accumulator could overflow for these zero points. */
  K_TOO_LARGE: 'ERR_EDGE_INT8_K_TOO_LARGE',
  /** A PackedWeights object was used after dispose(). */
  DISPOSED: 'ERR_EDGE_INT8_DISPOSED',
  /** An ArrayBuffer was detached (transferred) before or during the call. */
  DETACHED: 'ERR_EDGE_INT8_DETACHED',
  /** The output buffer overlaps an input buffer. */
  ALIASED: 'ERR_EDGE_INT8_ALIASED',
  /** setIsa() named an instruction set this CPU or build does not have. */
  UNKNOWN_ISA: 'ERR_EDGE_INT8_UNKNOWN_ISA',
  /** Weights do not follow the sparsity pattern requested (e.g. packSparse with nm [2, 4]). */
  PATTERN_MISMATCH: 'ERR_EDGE_INT8_PATTERN_MISMATCH',
  /** Native memory could not be allocated. */
  OUT_OF_MEMORY: 'ERR_EDGE_INT8_OUT_OF_MEMORY',
  /** An input that must hold values holds none (an empty batch; a calibrator that observed nothing). */
  EMPTY: 'ERR_EDGE_INT8_EMPTY',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export interface EdgeInt8Error extends Error {
  code: ErrorCode;
}

function withCode<E extends Error>(error: E, code: ErrorCode): E & EdgeInt8Error {
  return Object.assign(error, { code });
}

/** `fn: message` as a TypeError with a code. */
export function typeError(fn: string, message: string, code: ErrorCode = ErrorCodes.INVALID_TYPE): TypeError & EdgeInt8Error {
  return withCode(new TypeError(`${fn}: ${message}`), code);
}

/** `fn: message` as a RangeError with a code. */
export function rangeError(fn: string, message: string, code: ErrorCode): RangeError & EdgeInt8Error {
  return withCode(new RangeError(`${fn}: ${message}`), code);
}
