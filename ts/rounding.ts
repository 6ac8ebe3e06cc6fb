/** Round half to even: the rounding of every quantizer here (and of the native code's default mode). */
export function rne(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}
