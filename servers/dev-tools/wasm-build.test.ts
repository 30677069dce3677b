import { describe, expect, it } from 'vitest';
import { assemble } from './build-wasm.mjs';
import { LINE_COUNTER_WASM } from './line-counter-wasm.js';

describe('line-counter WebAssembly', () => {
  it('line-counter-wasm.ts is line-counter.wat assembled (run build-wasm.mjs after editing the .wat)', async () => {
    const bytes = await assemble();
    expect(Buffer.from(bytes).toString('base64')).toBe(LINE_COUNTER_WASM);
  });
});
