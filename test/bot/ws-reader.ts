import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/**
 * A receive-only WebSocket client (RFC 6455), enough to read the Agents Playground's stream of
 * what the bot posts: Node 20 has no WebSocket global and the project adds no package for it.
 * Server frames are unmasked; text messages (possibly fragmented) are collected as strings.
 */
export interface WsReader {
  readonly messages: string[];
  /** Resolves with the first message (already received or to come) that `match` accepts. */
  waitFor(match: (message: string) => boolean, timeoutMs?: number): Promise<string>;
  close(): void;
}

export async function openWsReader(url: string): Promise<WsReader> {
  const target = new URL(url);
  const socket: Socket = connect(Number(target.port), target.hostname);
  const key = randomBytes(16).toString('base64');
  const messages: string[] = [];
  const waiters: { match: (m: string) => boolean; resolve: (m: string) => void }[] = [];
  let buffer = Buffer.alloc(0);
  let upgraded = false;
  let fragments: Buffer[] = [];

  const deliver = (message: string): void => {
    messages.push(message);
    for (const waiter of [...waiters]) {
      if (waiter.match(message)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  };

  const readFrames = (): void => {
    for (;;) {
      if (buffer.length < 2) return;
      const first = buffer[0] ?? 0;
      const second = buffer[1] ?? 0;
      let length = second & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buffer.length < 4) return;
        length = buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (buffer.length < 10) return;
        length = Number(buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (buffer.length < offset + length) return;
      const payload = buffer.subarray(offset, offset + length);
      buffer = buffer.subarray(offset + length);
      const opcode = first & 0x0f;
      const fin = (first & 0x80) !== 0;
      if (opcode === 0x1 || opcode === 0x0) {
        fragments.push(Buffer.from(payload));
        if (fin) {
          deliver(Buffer.concat(fragments).toString('utf8'));
          fragments = [];
        }
      } else if (opcode === 0x8) {
        socket.end();
      }
    }
  };

  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.write(
        [
          `GET ${target.pathname}${target.search} HTTP/1.1`,
          `Host: ${target.host}`,
          'Upgrade: websocket',
          'Connection: Upgrade',
          `Sec-WebSocket-Key: ${key}`,
          'Sec-WebSocket-Version: 13',
          '',
          '',
        ].join('\r\n'),
      );
    });
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!upgraded) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffer.subarray(0, end).toString('latin1');
        if (!/^HTTP\/1\.1 101/.test(head)) {
          reject(new Error(`WebSocket upgrade refused: ${head.split('\r\n')[0] ?? ''}`));
          return;
        }
        upgraded = true;
        buffer = buffer.subarray(end + 4);
        resolve();
      }
      readFrames();
    });
  });

  return {
    messages,
    waitFor(match, timeoutMs = 30_000) {
      const found = messages.find(match);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = {
          match,
          resolve: (m: string) => {
            clearTimeout(timer);
            resolve(m);
          },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`No matching message within ${timeoutMs} ms (${messages.length} received).`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    close() {
      socket.destroy();
    },
  };
}
