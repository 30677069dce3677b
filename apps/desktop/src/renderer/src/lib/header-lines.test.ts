// biome-ignore-all lint/suspicious/noTemplateCurlyInString: header values may use ${env:NAME}, not templates
import { describe, expect, it } from 'vitest';
import { parseHeaderLines } from './header-lines';

describe('parseHeaderLines', () => {
  it('reads one Name: value a line, values kept whole, blank lines skipped', () => {
    expect(parseHeaderLines('Authorization: Bearer ${env:TOKEN}\n\n  X-Team :  ops : red  \r\n')).toEqual({
      headers: { Authorization: 'Bearer ${env:TOKEN}', 'X-Team': 'ops : red' },
    });
    expect(parseHeaderLines('')).toEqual({ headers: {} });
  });

  it('names the line that is not a header', () => {
    expect(parseHeaderLines('X-A: 1\nno colon here')).toEqual({
      error: 'Header line 2: write it as Name: value',
    });
    expect(parseHeaderLines(': value')).toEqual({ error: 'Header line 1: write it as Name: value' });
    expect(parseHeaderLines('Bad Name: v')).toEqual({ error: 'Header line 1: write it as Name: value' });
    expect(parseHeaderLines('X-A: 1\nX-A: 2')).toEqual({ error: 'Header line 2: X-A is given twice' });
  });
});
