import type { IncomingMessage, ServerResponse } from 'node:http';
import { openAiError } from './openai-error.js';
import type { OpenAiErrorFields } from './openai-error.js';

/** Thrown by {@link readBody} and route handlers; the router answers with `status` and `body`. */
export class HttpError extends Error {
  override name = 'HttpError';

  /**
   * @param status - The HTTP status to answer with.
   * @param fields - The OpenAI error fields of the body.
   */
  constructor(
    readonly status: number,
    readonly fields: OpenAiErrorFields,
  ) {
    super(fields.message ?? `HTTP ${status}`);
  }
}

/** Reads a whole request body, refusing more than `limit` bytes with a 413. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, { message: `The request body is larger than ${limit} bytes.` });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Parses a JSON request body, with OpenAI's 400 for anything else. */
export function parseJsonBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, {
      message:
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
      code: null,
    });
  }
}

/** Sends `body` as JSON with `status` and extra headers. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Sends an OpenAI-shaped error. */
export function sendError(
  res: ServerResponse,
  status: number,
  fields: OpenAiErrorFields = {},
  headers: Readonly<Record<string, string>> = {},
): void {
  sendJson(res, status, openAiError(status, fields), headers);
}

/** One part of a `multipart/form-data` body. */
export interface MultipartPart {
  readonly name: string;
  readonly filename: string | undefined;
  readonly contentType: string | undefined;
  readonly data: Buffer;
}

/**
 * Parses a `multipart/form-data` body (RFC 7578), as `fetch`'s `FormData` encodes it.
 *
 * @throws HttpError 400 when the content type has no boundary or the body is malformed.
 */
export function parseMultipart(body: Buffer, contentType: string | undefined): MultipartPart[] {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  if (!contentType?.toLowerCase().startsWith('multipart/form-data') || !boundary) {
    throw new HttpError(400, { message: `Expected a multipart/form-data body, got content-type ${JSON.stringify(contentType ?? null)}.` });
  }
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const parts: MultipartPart[] = [];
  let position = body.indexOf(delimiter);
  if (position < 0) throw new HttpError(400, { message: 'The multipart body has no boundary line.' });
  for (;;) {
    position += delimiter.length;
    if (body.subarray(position, position + 2).toString() === '--') break;
    position += 2; // CRLF after the delimiter
    const headerEnd = body.indexOf('\r\n\r\n', position);
    const next = body.indexOf(delimiter, position);
    if (headerEnd < 0 || next < 0 || headerEnd > next) throw new HttpError(400, { message: 'The multipart body is malformed.' });
    const headers = body.subarray(position, headerEnd).toString('utf8');
    const disposition = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined) throw new HttpError(400, { message: 'A multipart part has no name.' });
    parts.push({
      name,
      filename: /\bfilename="([^"]*)"/i.exec(disposition)?.[1],
      contentType: /content-type:\s*([^\r\n]*)/i.exec(headers)?.[1]?.trim(),
      // The part's data ends with the CRLF that precedes the next delimiter.
      data: body.subarray(headerEnd + 4, next - 2),
    });
    position = next;
  }
  return parts;
}
