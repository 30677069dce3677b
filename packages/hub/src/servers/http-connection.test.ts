import { describe, expect, it } from 'vitest';
import { displayUrl } from './http-connection.js';

describe('displayUrl', () => {
  it('leaves out what may hold a secret: user, password, query and fragment', () => {
    expect(displayUrl('https://me:pw@mcp.example.com:8443/v1/mcp?api_key=abc#x')).toBe(
      'https://mcp.example.com:8443/v1/mcp?…',
    );
    expect(displayUrl('http://127.0.0.1:3001/mcp')).toBe('http://127.0.0.1:3001/mcp');
    expect(displayUrl('not a url')).toBe('(invalid URL)');
  });
});
