import { describe, expect, it } from 'vitest';
import { parseServeArgs, TOKEN_ENV, UsageError } from './serve-options.js';

const parse = (args: string[], env: NodeJS.ProcessEnv = {}) => parseServeArgs(args, env);

describe('parseServeArgs', () => {
  it('serves stdio without arguments, whatever the environment says', () => {
    expect(parse([])).toEqual({ kind: 'stdio' });
    expect(parse([], { [TOKEN_ENV]: 'x' })).toEqual({ kind: 'stdio' });
    expect(parse(['--help'])).toEqual({ kind: 'help' });
  });

  it('serves HTTP on 127.0.0.1 and a free port by default; reads host, port, token and allowed hosts', () => {
    expect(parse(['--http'])).toEqual({
      kind: 'http',
      options: { host: '127.0.0.1', port: 0, token: undefined, allowedHosts: [] },
    });
    expect(
      parse([
        '--http',
        '--host=10.0.0.5',
        '--port',
        '8931',
        '--token',
        't0k',
        '--allowed-host',
        'a',
        '--allowed-host',
        'b:1',
      ]),
    ).toEqual({
      kind: 'http',
      options: { host: '10.0.0.5', port: 8931, token: 't0k', allowedHosts: ['a', 'b:1'] },
    });
  });

  it('takes the token from the environment unless --token is given; an empty variable is no token', () => {
    expect(parse(['--http'], { [TOKEN_ENV]: 'env' })).toMatchObject({ options: { token: 'env' } });
    expect(parse(['--http', '--token', 'arg'], { [TOKEN_ENV]: 'env' })).toMatchObject({
      options: { token: 'arg' },
    });
    expect(parse(['--http'], { [TOKEN_ENV]: '' })).toMatchObject({ options: { token: undefined } });
  });

  it('refuses to listen beyond loopback without a token, unless told the clients are authenticated elsewhere', () => {
    expect(() => parse(['--http', '--host', '0.0.0.0'])).toThrow(
      /Refusing to listen on 0.0.0.0 without a token/,
    );
    expect(() => parse(['--http', '--host', 'example.com'])).toThrow(UsageError);
    expect(parse(['--http', '--host', '0.0.0.0', '--token', 't'])).toMatchObject({ kind: 'http' });
    expect(parse(['--http', '--host', '::', '--allow-unauthenticated'])).toMatchObject({ kind: 'http' });
    expect(parse(['--http', '--host', 'localhost'])).toMatchObject({ kind: 'http' });
  });

  it.each([
    [['--htp'], /Unknown option '--htp'/],
    [['--port', '80'], '--port applies to --http only'],
    [['--token', 'x'], '--token applies to --http only'],
    [['--http', '--port', '65536'], '--port must be a number from 0 to 65535 (got "65536")'],
    [['--http', '--port', '-1'], /--port/],
    [['--http', '--port', 'eighty'], '--port must be a number from 0 to 65535 (got "eighty")'],
    [['--http', '--token', ''], 'must be one word without spaces'],
    [['--http', '--token', 'two words'], 'must be one word without spaces'],
    [['--http', '--host', ' '], '--host must not be empty'],
    [['--http', 'extra'], /Unexpected argument 'extra'/],
  ])('explains %j', (args, message) => {
    expect(() => parse(args)).toThrow(UsageError);
    expect(() => parse(args)).toThrow(message);
  });
});
