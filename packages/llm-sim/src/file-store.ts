import { HttpError } from './http-io.js';
import type { IdFactory } from './id-factory.js';

/** A file object as `/v1/files` returns it. */
export interface SimFileObject {
  readonly id: string;
  readonly object: 'file';
  readonly bytes: number;
  readonly created_at: number;
  readonly filename: string;
  readonly purpose: string;
  readonly status: 'processed';
  readonly status_details: null;
  readonly expires_at: number | null;
}

/** The purposes `/v1/files` accepts. */
export const FILE_PURPOSES = ['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals', 'batch_output'] as const;

/** Uploaded and generated files, in memory. */
export class FileStore {
  readonly #files = new Map<string, { object: SimFileObject; data: Buffer }>();
  readonly #ids: IdFactory;
  readonly #nowSeconds: () => number;

  /**
   * @param ids - Where file ids come from.
   * @param nowSeconds - The simulated time, for `created_at`.
   */
  constructor(ids: IdFactory, nowSeconds: () => number) {
    this.#ids = ids;
    this.#nowSeconds = nowSeconds;
  }

  /** Stores `data` and returns its file object. */
  create(filename: string, purpose: string, data: Buffer, createdAt = this.#nowSeconds()): SimFileObject {
    const object: SimFileObject = {
      id: this.#ids.next('file-', 22),
      object: 'file',
      bytes: data.length,
      created_at: createdAt,
      filename,
      purpose,
      status: 'processed',
      status_details: null,
      expires_at: null,
    };
    this.#files.set(object.id, { object, data });
    return object;
  }

  /** @throws HttpError 404 when there is no such file. */
  get(id: string): SimFileObject {
    return this.#require(id).object;
  }

  /** @throws HttpError 404 when there is no such file. */
  content(id: string): Buffer {
    return this.#require(id).data;
  }

  /** @throws HttpError 404 when there is no such file. */
  delete(id: string): { id: string; object: 'file'; deleted: true } {
    this.#require(id);
    this.#files.delete(id);
    return { id, object: 'file', deleted: true };
  }

  /** Files newest first, optionally of one purpose. */
  list(purpose?: string): SimFileObject[] {
    return [...this.#files.values()]
      .map((file) => file.object)
      .filter((file) => purpose === undefined || file.purpose === purpose)
      .reverse();
  }

  /** Forgets every file. */
  clear(): void {
    this.#files.clear();
  }

  #require(id: string): { object: SimFileObject; data: Buffer } {
    const file = this.#files.get(id);
    if (!file) throw new HttpError(404, { message: `No such File object: ${id}`, param: 'id', code: null });
    return file;
  }
}
