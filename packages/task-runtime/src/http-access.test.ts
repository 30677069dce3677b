import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { HttpAccess, isLoopback } from './http-access.js';

const local = (options: Partial<ConstructorParameters<typeof HttpAccess>[0]> = {}) =>
  new HttpAccess({ host: '127.0.0.1', port: 8931, realm: 'test', ...options });

describe('HttpAccess', () => {
  it('knows the loopback addresses and names', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'])
      expect(isLoopback(host)).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.4', 'example.com', '128.0.0.1']) {
      expect(isLoopback(host)).toBe(false);
    }
  });

  it('lets a loopback server be called by its loopback names on its port only', () => {
    const access = local();
    for (const host of ['127.0.0.1:8931', 'localhost:8931', 'LOCALHOST:8931', '[::1]:8931']) {
      expect(access.check({ host })).toBeUndefined();
    }
    for (const host of ['evil.example.com:8931', '127.0.0.1:8932', '127.0.0.1', 'localhost:8931:1', '']) {
      expect(access.check({ host })).toMatchObject({ status: 403, message: expect.stringContaining('Host') });
    }
    expect(access.check({})).toMatchObject({ status: 403 });
  });

  it('checks an Origin when there is one: it must name the server too', () => {
    const access = local();
    const host = '127.0.0.1:8931';
    expect(access.check({ host, origin: 'http://localhost:8931' })).toBeUndefined();
    for (const origin of [
      'http://evil.example.com',
      'http://localhost:8932',
      'null',
      'file://',
      'ftp://localhost:8931',
    ]) {
      expect(access.check({ host, origin })).toMatchObject({
        status: 403,
        message: expect.stringContaining('Origin'),
      });
    }
  });

  it('answers to the names given for a server behind a proxy or a DNS name, with or without a port', () => {
    const access = new HttpAccess({
      host: '10.0.0.5',
      port: 8931,
      realm: 'test',
      allowedHosts: ['mcp.example.com', 'builder:9000'],
      token: 't',
    });
    const auth = { authorization: 'Bearer t' };
    for (const host of ['10.0.0.5:8931', 'mcp.example.com', 'mcp.example.com:443', 'builder:9000']) {
      expect(access.check({ host, ...auth })).toBeUndefined();
    }
    expect(access.check({ host: 'https://mcp.example.com', ...auth })).toMatchObject({ status: 403 });
    expect(
      access.check({ host: 'mcp.example.com', origin: 'https://mcp.example.com', ...auth }),
    ).toBeUndefined();
    for (const host of ['builder:9001', 'localhost:8931'])
      expect(access.check({ host, ...auth })).toMatchObject({ status: 403 });
    expect(() => new HttpAccess({ host: '10.0.0.5', port: 1, realm: 't', allowedHosts: ['a b'] })).toThrow(
      'Not a host name: "a b"',
    );
  });

  it('answers to every name of the machine when listening on all interfaces', () => {
    const access = new HttpAccess({ host: '0.0.0.0', port: 8931, realm: 'test' });
    expect(access.check({ host: 'localhost:8931' })).toBeUndefined();
    expect(access.check({ host: `${hostname()}:8931` })).toBeUndefined();
    expect(access.check({ host: 'evil.example.com:8931' })).toMatchObject({ status: 403 });
  });

  it('requires the bearer token when one is set: 401 with a challenge, invalid_token when wrong', () => {
    const access = local({ token: 's3cret' });
    const host = '127.0.0.1:8931';
    expect(access.check({ host, authorization: 'Bearer s3cret' })).toBeUndefined();
    expect(access.check({ host, authorization: 'bearer s3cret' })).toBeUndefined();
    expect(access.check({ host })).toEqual({
      status: 401,
      message: 'Unauthorized: this server requires Authorization: Bearer <token>',
      headers: { 'WWW-Authenticate': 'Bearer realm="test"' },
    });
    for (const authorization of ['Bearer s3cre', 'Bearer s3cret2', 'Basic czNjcmV0', 'Bearer']) {
      const refusal = access.check({ host, authorization });
      expect(refusal?.status).toBe(401);
    }
    expect(access.check({ host, authorization: 'Bearer nope' })?.headers?.['WWW-Authenticate']).toBe(
      'Bearer realm="test", error="invalid_token", error_description="The token is not this server\'s"',
    );
    // A foreign Host is refused before the token is looked at.
    expect(access.check({ host: 'evil.example.com:8931', authorization: 'Bearer s3cret' })?.status).toBe(403);
  });
});
