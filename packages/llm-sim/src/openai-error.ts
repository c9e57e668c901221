/** The error body every OpenAI endpoint returns: `{ error: { message, type, param, code } }`. */
export interface OpenAiErrorBody {
  readonly error: {
    readonly message: string;
    readonly type: string;
    readonly param: string | null;
    readonly code: string | null;
  };
}

/** Fields that override the defaults {@link openAiError} picks for a status. */
export interface OpenAiErrorFields {
  readonly message?: string | undefined;
  readonly type?: string | undefined;
  readonly param?: string | null | undefined;
  readonly code?: string | null | undefined;
}

const DEFAULTS: Readonly<Record<number, Required<Omit<OpenAiErrorFields, 'param'>>>> = {
  400: { message: 'Bad request (simulated).', type: 'invalid_request_error', code: null },
  401: {
    message: 'Incorrect API key provided (simulated). You can find your API key at https://platform.openai.com/account/api-keys.',
    type: 'invalid_request_error',
    code: 'invalid_api_key',
  },
  403: { message: 'You are not allowed to use this model (simulated).', type: 'invalid_request_error', code: 'permission_denied' },
  404: { message: 'The model does not exist or you do not have access to it (simulated).', type: 'invalid_request_error', code: 'model_not_found' },
  408: { message: 'Request timed out (simulated).', type: 'timeout', code: null },
  409: { message: 'Conflict (simulated).', type: 'invalid_request_error', code: null },
  413: { message: 'Request entity too large.', type: 'invalid_request_error', code: null },
  429: { message: 'Rate limit reached (simulated). Please try again later.', type: 'requests', code: 'rate_limit_exceeded' },
  500: {
    message: 'The server had an error while processing your request (simulated). Sorry about that!',
    type: 'server_error',
    code: null,
  },
  502: { message: 'Bad gateway (simulated).', type: 'server_error', code: null },
  503: { message: 'The engine is currently overloaded, please try again later (simulated).', type: 'server_error', code: null },
};

/**
 * Builds an error body in OpenAI's shape, with a realistic message, type and code for `status`
 * unless `fields` says otherwise.
 */
export function openAiError(status: number, fields: OpenAiErrorFields = {}): OpenAiErrorBody {
  const fallback = DEFAULTS[status] ?? {
    message: `HTTP ${status} (simulated).`,
    type: status >= 500 ? 'server_error' : 'invalid_request_error',
    code: null,
  };
  return {
    error: {
      message: fields.message ?? fallback.message,
      type: fields.type ?? fallback.type,
      param: fields.param ?? null,
      code: fields.code === undefined ? fallback.code : fields.code,
    },
  };
}
