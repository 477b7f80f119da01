/** Reading requests and writing responses the way API Gateway HTTP API does. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Problem } from '../problem.ts';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}, contentType = 'application/json'): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Writes a problem, its `type` made absolute with the host the request reached (as the handlers do). */
export function sendProblem(res: ServerResponse, p: Problem, headers: Record<string, string> = {}): void {
  const host = res.req?.headers.host;
  const body = host && p.type.startsWith('/') ? { ...p, type: `http://${host}${p.type}` } : p;
  sendJson(res, p.status, body, headers, 'application/problem+json');
}

function isStructured(result: unknown): result is APIGatewayProxyStructuredResultV2 {
  return typeof result === 'object' && result !== null && 'statusCode' in result;
}

/** Writes a handler result the way API Gateway interprets payload format 2.0 responses. */
export function writeResult(res: ServerResponse, result: unknown, requestId: string): void {
  res.setHeader('apigw-requestid', requestId);
  if (!isStructured(result)) {
    // No statusCode: API Gateway assumes 200, JSON, and the whole result as the body.
    const text = typeof result === 'string' ? result : JSON.stringify(result ?? null);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
    return;
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = String(value);
  if (result.cookies && result.cookies.length > 0) headers['set-cookie'] = result.cookies;
  const body = result.body === undefined ? Buffer.alloc(0) : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  headers['content-length'] = String(body.length);
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(body);
}

export class BodyTooLarge extends Error {}

/** Reads the body up to `limit` bytes. Beyond it, keeps draining (so the client sees the 413) but drops the data. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => (tooLarge ? fail(new BodyTooLarge()) : done(Buffer.concat(chunks))));
    req.on('error', fail);
  });
}
