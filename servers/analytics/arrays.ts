/** A packed array of zeros (`new Array(n).fill(0)` stays holey: slower loads). */
export function zeros(length: number): number[] {
  const array: number[] = [];
  for (let i = 0; i < length; i++) array.push(0);
  return array;
}
