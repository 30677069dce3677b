/**
 * Test helpers that talk to the web host byte by byte over node:net, so that tests can send
 * what no well-behaved client library would: malformed request lines, bad WebSocket frames,
 * connections dropped halfway.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** Connects to 127.0.0.1:`port`; the socket's errors (resets) are expected and ignored. */
export function openRaw(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => {});
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/**
 * Everything `socket` receives until the peer closes it, `until` holds for what arrived, or
 * `timeoutMs` passes; then the socket is destroyed.
 */
export function receiveAll(
  socket: Socket,
  timeoutMs: number,
  until: (received: Buffer) => boolean = () => false,
): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks));
    };
    const timer = setTimeout(done, timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (until(Buffer.concat(chunks))) done();
    });
    socket.once('close', done);
    if (socket.destroyed) done();
  });
}

/** Sends `bytes` on a new connection and returns the answer (until close or `timeoutMs`). */
export async function rawExchange(port: number, bytes: string | Buffer, timeoutMs = 2000): Promise<string> {
  const socket = await openRaw(port);
  const received = receiveAll(socket, timeoutMs);
  socket.write(bytes);
  return (await received).toString('latin1');
}

/** The status code of a raw HTTP answer, or 0 when there was none. */
export function statusOf(answer: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
}

/**
 * Completes a WebSocket handshake on `/api` with `headers` and returns the socket with any
 * bytes the server sent after the 101 answer. Rejects with the answer when it is not 101.
 */
export async function rawWebSocket(
  port: number,
  headers: Record<string, string>,
): Promise<{ socket: Socket; rest: Buffer }> {
  const socket = await openRaw(port);
  const lines = [
    'GET /api HTTP/1.1',
    `Host: 127.0.0.1:${port}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    'Sec-WebSocket-Version: 13',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end === -1) return;
      socket.off('data', onData);
      socket.off('close', onClose);
      const head = buffered.subarray(0, end).toString('latin1');
      if (statusOf(head) !== 101) {
        socket.destroy();
        reject(new Error(`handshake refused: ${head}`));
        return;
      }
      resolve({ socket, rest: buffered.subarray(end + 4) });
    };
    const onClose = () => reject(new Error(`closed during the handshake: ${buffered.toString('latin1')}`));
    socket.on('data', onData);
    socket.once('close', onClose);
  });
}

export interface FrameSpec {
  opcode: number;
  payload?: Buffer;
  fin?: boolean;
  /** RSV1..3 as the three bits 0b100, 0b010, 0b001. */
  rsv?: number;
  /** Clients must mask; false sends an unmasked frame (a protocol error). */
  mask?: boolean;
  /** The length announced in the header, when it should differ from the payload's. */
  announcedLength?: number;
}

/** One WebSocket frame as a client would send it. */
export function frame({
  opcode,
  payload = Buffer.alloc(0),
  fin = true,
  rsv = 0,
  mask = true,
  announcedLength = payload.length,
}: FrameSpec): Buffer {
  const first = (fin ? 0x80 : 0) | ((rsv & 0b111) << 4) | (opcode & 0x0f);
  const maskBit = mask ? 0x80 : 0;
  let header: Buffer;
  if (announcedLength < 126) {
    header = Buffer.from([first, maskBit | announcedLength]);
  } else if (announcedLength < 0x10000) {
    header = Buffer.alloc(4);
    header.writeUInt8(first, 0);
    header.writeUInt8(maskBit | 126, 1);
    header.writeUInt16BE(announcedLength, 2);
  } else {
    header = Buffer.alloc(10);
    header.writeUInt8(first, 0);
    header.writeUInt8(maskBit | 127, 1);
    header.writeBigUInt64BE(BigInt(announcedLength), 2);
  }
  if (!mask) return Buffer.concat([header, payload]);
  const key = randomBytes(4);
  const masked = Buffer.from(payload);
  for (let i = 0; i < masked.length; i++) masked[i] = (masked[i] as number) ^ (key[i % 4] as number);
  return Buffer.concat([header, key, masked]);
}

export function textFrame(text: string): Buffer {
  return frame({ opcode: 0x1, payload: Buffer.from(text) });
}

export function closeFrame(code: number): Buffer {
  const payload = Buffer.alloc(2);
  payload.writeUInt16BE(code);
  return frame({ opcode: 0x8, payload });
}

/** The frames a server sent (unmasked), in order; a truncated last frame is left out. */
export function parseFrames(data: Buffer): { opcode: number; payload: Buffer }[] {
  const frames: { opcode: number; payload: Buffer }[] = [];
  let at = 0;
  while (at + 2 <= data.length) {
    const opcode = (data[at] as number) & 0x0f;
    let length = (data[at + 1] as number) & 0x7f;
    let start = at + 2;
    if (length === 126) {
      if (start + 2 > data.length) break;
      length = data.readUInt16BE(start);
      start += 2;
    } else if (length === 127) {
      if (start + 8 > data.length) break;
      length = Number(data.readBigUInt64BE(start));
      start += 8;
    }
    if (start + length > data.length) break;
    frames.push({ opcode, payload: data.subarray(start, start + length) });
    at = start + length;
  }
  return frames;
}

/** The close code of the first close frame in `data`, or undefined when the server sent none. */
export function closeCodeIn(data: Buffer): number | undefined {
  const close = parseFrames(data).find((f) => f.opcode === 0x8);
  return close && close.payload.length >= 2 ? close.payload.readUInt16BE(0) : undefined;
}
