import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { PROBLEM_CONTENT_TYPE, problemType, type Problem } from './problem.js';

/**
 * A request Node's HTTP parser refuses before any route sees it (headers over Node's 16 KB, a
 * malformed request line) is answered like every other refusal, as problem+json, instead of
 * Node's bare status line with no body. A socket that has already gone is just closed.
 */
export function answerClientErrors(server: Server): Server {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const problem = problemFor(error.code);
    const body = JSON.stringify(problem);
    socket.end(
      `HTTP/1.1 ${String(problem.status)} ${STATUS_CODES[problem.status] ?? ''}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${String(Buffer.byteLength(body))}\r\n` +
        'Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n' +
        body,
    );
  });
  return server;
}

function problemFor(code: string | undefined): Problem {
  switch (code ?? '') {
    case 'HPE_HEADER_OVERFLOW':
      return {
        type: problemType('headers_too_large'),
        title: 'The request headers are too large',
        status: 431,
        detail: 'The request headers are larger than the server reads (16 KB). Send a shorter token or fewer cookies.',
        code: 'headers_too_large',
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        type: problemType('invalid_request'),
        title: 'The request took too long to arrive',
        status: 408,
        detail: 'The request did not arrive in time. Try again.',
        code: 'invalid_request',
      };
    default:
      return {
        type: problemType('invalid_request'),
        title: 'The request is not valid HTTP',
        status: 400,
        detail: 'The request could not be read as HTTP. Check the request line and headers.',
        code: 'invalid_request',
      };
  }
}
