import { AbortedError, WhiteboxError } from '@whitebox/core';
import type { LlmClient, LlmUsage } from '@whitebox/core';
import { aggregateVerdicts, askPersonas, BUILTIN_PERSONAS, buildSystemPrompt } from '@whitebox/oracle-batch';
import type { Aggregate, Persona, PersonaEvent, PersonaResult, Verdict } from '@whitebox/oracle-batch';
import { createCallLedger } from './call-ledger.js';
import type { LedgerEntry } from './call-ledger.js';
import { answerText, buildArbiterMessages, buildFollowUpProposal } from './council-prompts.js';
import { ArbiterSynthesisSchema, SPECULATIVE_MODES } from './council-transcript.js';
import type {
  ArbiterOutcome,
  ArbiterSynthesis,
  Convergence,
  CouncilCall,
  CouncilRound,
  CouncilSettings,
  CouncilTranscript,
  FinalVerdict,
  SpeculativeMode,
  Speculation,
  StopReason,
  Waste,
} from './council-transcript.js';
import { findUnseenOpenQuestions } from './find-unseen-open-questions.js';
import { DEFAULT_EPSILON, measureConvergence } from './measure-convergence.js';

/** What {@link deliberate} reports while it works, for progress output. */
export type CouncilEvent =
  | { readonly type: 'round-start'; readonly round: number; readonly speculative: boolean }
  | { readonly type: 'persona'; readonly round: number; readonly speculative: boolean; readonly result: PersonaResult }
  | { readonly type: 'arbiter-start'; readonly round: number }
  | { readonly type: 'arbiter-retry'; readonly round: number; readonly attempt: number; readonly error: string }
  | {
      readonly type: 'arbiter-done';
      readonly round: number;
      readonly synthesis: ArbiterSynthesis;
      readonly source: 'arbiter' | 'majority-vote';
      readonly convergence: Convergence;
    }
  | { readonly type: 'speculation'; readonly round: number; readonly outcome: Speculation['outcome']; readonly reason: string }
  | { readonly type: 'stop'; readonly reason: StopReason; readonly detail: string };

/** Options for {@link deliberate}. */
export interface DeliberateOptions {
  /** The LLM client every call goes through; from `createLlmClient`. */
  readonly client: LlmClient;
  /** Personas, or names of oracle-batch's built-in ones. @default ['judge', 'critic', 'skeptic'] */
  readonly personas?: readonly (Persona | string)[] | undefined;
  /** The model for personas that name none. @default client.provider.model */
  readonly model?: string | undefined;
  /** The arbiter's model. @default model, then client.provider.model */
  readonly arbiterModel?: string | undefined;
  /** The most rounds to run. @default 3 */
  readonly maxRounds?: number | undefined;
  /**
   * Start round N+1 while round N's arbiter runs: `'accept'` (or `true`) keeps the speculative
   * answers when the arbiter does not converge, `'restart'` asks again when the synthesis raised
   * open questions the personas did not see. See {@link SPECULATIVE_MODES}. @default 'off'
   */
  readonly speculative?: SpeculativeMode | boolean | undefined;
  /** A persona whose confidence moved less than this since the previous round has settled. @default 0.05 */
  readonly epsilon?: number | undefined;
  /**
   * Personas that must answer for a round to count: a whole number from 1, or a share below 1
   * (0.5 of 4 personas is 2). A round below quorum stops the council. @default a majority
   */
  readonly quorum?: number | undefined;
  /** Extra arbiter attempts after a failed one, before the majority vote stands in. @default 1 */
  readonly arbiterRetries?: number | undefined;
  /**
   * Stop once this many dollars are spent, wasted calls included; calls in flight are cancelled.
   * Calls to a model without a price count as $0, so use `budgetTokens` for local models.
   */
  readonly budgetUsd?: number | undefined;
  /** Stop once this many tokens are spent, wasted calls included; calls in flight are cancelled. */
  readonly budgetTokens?: number | undefined;
  /** Stop after this many milliseconds; calls in flight are cancelled. */
  readonly deadlineMs?: number | undefined;
  /** Milliseconds one call may take, retries and a re-ask included. @default 120000 */
  readonly timeoutMs?: number | undefined;
  /** Stream answers, so a cancel stops generation at once. @default true */
  readonly stream?: boolean | undefined;
  /** Cancels everything: in-flight requests are aborted and the promise rejects with `signal.reason`. */
  readonly signal?: AbortSignal | undefined;
  /** Told about rounds, answers, the arbiter, speculation and the stop. */
  readonly onEvent?: ((event: CouncilEvent) => void) | undefined;
  /** @default Date.now */
  readonly now?: (() => number) | undefined;
}

/** The council when none is named. */
export const DEFAULT_PERSONAS: readonly string[] = ['judge', 'critic', 'skeptic'];
/** The round cap when none is given. */
export const DEFAULT_MAX_ROUNDS = 3;

const DEFAULT_TIMEOUT_MS = 120_000;
const ZERO_USAGE: LlmUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0, estimated: false };

interface RoundRun {
  readonly round: number;
  readonly speculative: boolean;
  readonly batch: number;
  readonly startedAtMs: number;
  readonly controller: AbortController;
  readonly done: Promise<PersonaResult[]>;
}

interface PendingSpeculation {
  readonly run: RoundRun;
  readonly decidedAtMs: number;
  readonly outcome: Speculation['outcome'];
  readonly reason: string;
  readonly unseenOpenQuestions: string[];
}

function describe(value: unknown): string {
  return `\`${typeof value === 'string' ? value : String(value)}\` (${typeof value})`;
}

function optionalPositive(name: string, value: unknown, integer = false): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new TypeError(`Expected \`${name}\` to be a positive ${integer ? 'integer' : 'number'}, got ${describe(value)}`);
  }
  return value;
}

function resolvePersonas(personas: readonly (Persona | string)[]): Persona[] {
  if (!Array.isArray(personas) || personas.length === 0) {
    throw new TypeError(`Expected \`personas\` to be a non-empty array, got ${describe(personas)}`);
  }
  const seen = new Set<string>();
  return personas.map((entry) => {
    const persona = typeof entry === 'string' ? BUILTIN_PERSONAS.find((builtin) => builtin.name === entry) : entry;
    if (persona === undefined || typeof persona !== 'object' || typeof persona.name !== 'string' || typeof persona.systemPrompt !== 'string') {
      throw new TypeError(
        `Expected each persona to be a Persona or a built-in name (${BUILTIN_PERSONAS.map((p) => p.name).join(', ')}), got ${describe(entry)}`,
      );
    }
    if (seen.has(persona.name)) throw new TypeError(`Expected persona names to be unique, got "${persona.name}" twice`);
    seen.add(persona.name);
    return persona;
  });
}

/**
 * Turns the `quorum` option into a number of personas.
 *
 * @throws {TypeError} for anything but a whole number from 1 up to `count` or a share in (0, 1).
 */
export function resolveQuorum(quorum: number | undefined, count: number): number {
  if (quorum === undefined) return Math.floor(count / 2) + 1;
  if (typeof quorum !== 'number' || !(quorum > 0) || !Number.isFinite(quorum)) {
    throw new TypeError(`Expected \`quorum\` to be a whole number from 1 or a share between 0 and 1, got ${describe(quorum)}`);
  }
  if (quorum < 1) return Math.max(1, Math.ceil(quorum * count - 1e-9));
  if (!Number.isInteger(quorum) || quorum > count) {
    throw new TypeError(`Expected \`quorum\` to be a whole number from 1 to ${count} (the number of personas), got ${describe(quorum)}`);
  }
  return quorum;
}

function resolveMode(value: unknown): SpeculativeMode {
  if (value === undefined || value === false) return 'off';
  if (value === true) return 'accept';
  if (typeof value === 'string' && (SPECULATIVE_MODES as readonly string[]).includes(value)) return value as SpeculativeMode;
  throw new TypeError(`Expected \`speculative\` to be a boolean or one of ${SPECULATIVE_MODES.join(', ')}, got ${describe(value)}`);
}

function addUsage(a: LlmUsage, b: LlmUsage | null): LlmUsage {
  if (b === null) return a;
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    totalTokens: a.totalTokens + b.totalTokens,
    estimated: a.estimated || b.estimated,
  };
}

/**
 * Sums the usage and dollars of `calls`. Dollars are `null` when a call that counted tokens has
 * no price (a local model), because a partial sum would read as the whole cost.
 */
export function sumCalls(calls: readonly Pick<CouncilCall, 'usage' | 'costUsd'>[]): { usage: LlmUsage; costUsd: number | null } {
  let usage = ZERO_USAGE;
  let costUsd: number | null = 0;
  for (const call of calls) {
    usage = addUsage(usage, call.usage);
    if (call.usage !== null) costUsd = costUsd === null || call.costUsd === null ? null : costUsd + call.costUsd;
  }
  return { usage, costUsd };
}

/** Tokens and dollars of the wasted calls among `calls`. */
export function wasteOf(calls: readonly Pick<CouncilCall, 'usage' | 'costUsd' | 'wasted'>[]): Waste {
  const wasted = calls.filter((call) => call.wasted);
  return { calls: wasted.length, ...sumCalls(wasted) };
}

/**
 * The synthesis the majority vote gives when the arbiter failed or was stopped: oracle-batch's
 * confidence-weighted decision, with `converged` only when every answer had the same verdict (a
 * unanimous vote is itself a measurement, so no arbiter claim is needed).
 *
 * @param why - Why the arbiter did not answer, for the transcript.
 */
export function majorityVoteSynthesis(aggregate: Aggregate, why: string): ArbiterSynthesis {
  if (aggregate.decision === null) {
    throw new TypeError('Expected an aggregate with at least one answer for a majority vote, got one with none');
  }
  const { approve, revise, reject } = aggregate.tally;
  const kinds = [approve, revise, reject].filter((count) => count > 0).length;
  return {
    synthesis: `${why}. Majority vote of ${aggregate.answered} answers: ${aggregate.decision} (approve ${approve}, revise ${revise}, reject ${reject}).`,
    converged: kinds === 1,
    confidence: aggregate.consensus ?? 0,
    open_questions: [],
    verdict: aggregate.decision,
  };
}

/** The council's answer from a complete round; `null` for a round without a synthesis. */
export function finalVerdictOf(round: Pick<CouncilRound, 'round' | 'synthesis' | 'synthesisSource' | 'aggregate'>): FinalVerdict | null {
  if (round.synthesis === null || round.synthesisSource === null) return null;
  return {
    verdict: round.synthesis.verdict,
    round: round.round,
    source: round.synthesisSource,
    confidence: round.synthesis.confidence,
    synthesis: round.synthesis.synthesis,
    openQuestions: round.synthesis.open_questions,
    aggregate: round.aggregate,
  };
}

function toCall(entry: LedgerEntry): CouncilCall {
  return {
    round: entry.round,
    role: entry.role,
    name: entry.name,
    model: entry.model,
    speculative: entry.speculative,
    outcome: entry.outcome === 'pending' ? 'cancelled' : entry.outcome,
    wasted: entry.wasted || entry.outcome === 'pending',
    note: entry.note,
    startedAtMs: entry.startedAtMs,
    durationMs: entry.durationMs,
    usage: entry.usage,
    costUsd: entry.costUsd,
  };
}

function formatDuration(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s` : `${Math.round(ms)} ms`;
}

/**
 * Runs a council: the personas answer in parallel (round 1 through oracle-batch's
 * `askPersonas`), an arbiter synthesises each round, and the council stops when convergence is
 * measured (see {@link measureConvergence}), at `maxRounds`, at the budget, at the deadline or
 * when a round misses its quorum. With `speculative`, round N+1's personas start on round N's raw
 * answers while round N's arbiter runs; when the arbiter converges, their HTTP requests are
 * aborted and what they cost is accounted as waste.
 *
 * It never rejects for a failed persona or arbiter (they are reported in the transcript), only on
 * bad options or when `signal` aborts.
 *
 * @param proposal - What the council deliberates on.
 * @returns The transcript: rounds, calls, speculation, tokens and dollars, the verdict and why it stopped.
 * @example
 * const client = createLlmClient({ provider: await resolveProvider() });
 * const transcript = await deliberate('Move the cache to Redis', { client, speculative: 'accept', maxRounds: 3 });
 * console.log(transcript.final?.verdict, transcript.stopReason, transcript.wasted.usage.totalTokens);
 */
export async function deliberate(proposal: string, options: DeliberateOptions): Promise<CouncilTranscript> {
  if (typeof proposal !== 'string' || proposal.trim() === '') {
    throw new TypeError(`Expected \`proposal\` to be a non-empty string, got ${describe(proposal)}`);
  }
  if (typeof options !== 'object' || options === null || typeof options.client?.structured !== 'function') {
    throw new TypeError(`Expected \`options.client\` to be an LlmClient, got ${describe(options?.client)}`);
  }
  const personas = resolvePersonas(options.personas ?? DEFAULT_PERSONAS);
  const maxRounds = options.maxRounds ?? DEFAULT_MAX_ROUNDS;
  if (typeof maxRounds !== 'number' || !Number.isInteger(maxRounds) || maxRounds < 1) {
    throw new TypeError(`Expected \`maxRounds\` to be a whole number from 1, got ${describe(maxRounds)}`);
  }
  const mode = resolveMode(options.speculative);
  const epsilon = options.epsilon ?? DEFAULT_EPSILON;
  if (typeof epsilon !== 'number' || !(epsilon >= 0 && epsilon <= 1)) {
    throw new TypeError(`Expected \`epsilon\` to be a number from 0 to 1, got ${describe(epsilon)}`);
  }
  const quorum = resolveQuorum(options.quorum, personas.length);
  const arbiterRetries = options.arbiterRetries ?? 1;
  if (typeof arbiterRetries !== 'number' || !Number.isInteger(arbiterRetries) || arbiterRetries < 0) {
    throw new TypeError(`Expected \`arbiterRetries\` to be a whole number from 0, got ${describe(arbiterRetries)}`);
  }
  const budgetUsd = optionalPositive('budgetUsd', options.budgetUsd);
  const budgetTokens = optionalPositive('budgetTokens', options.budgetTokens, true);
  const deadlineMs = optionalPositive('deadlineMs', options.deadlineMs);
  const timeoutMs = optionalPositive('timeoutMs', options.timeoutMs) ?? DEFAULT_TIMEOUT_MS;
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new TypeError(`Expected \`signal\` to be an AbortSignal, got ${describe(options.signal)}`);
  }
  const { client, onEvent } = options;
  const stream = options.stream ?? true;
  const now = options.now ?? Date.now;
  const defaultModel = options.model ?? client.provider.model;
  const modelOf = (persona: Persona): string => {
    const model = persona.model ?? defaultModel;
    if (model === undefined) {
      throw new WhiteboxError(
        'CONFIG_INVALID',
        `persona "${persona.name}" names no model and no default model is configured; set --model, WHITEBOX_MODEL or "llm.model" in .claude/whitebox.json`,
      );
    }
    return model;
  };
  const personaModels = personas.map((persona) => ({ name: persona.name, model: modelOf(persona) }));
  const arbiterModel = options.arbiterModel ?? defaultModel;
  if (arbiterModel === undefined) {
    throw new WhiteboxError('CONFIG_INVALID', 'the arbiter has no model and no default model is configured; set --arbiter-model or --model');
  }
  const settings: CouncilSettings = {
    personas: personaModels,
    arbiterModel,
    maxRounds,
    speculative: mode,
    epsilon,
    quorum,
    arbiterRetries,
    budgetUsd: budgetUsd ?? null,
    budgetTokens: budgetTokens ?? null,
    deadlineMs: deadlineMs ?? null,
  };
  options.signal?.throwIfAborted();

  const startedAt = new Date();
  const t0 = now();
  const at = (): number => Math.max(0, now() - t0);
  const emit = (event: CouncilEvent): void => onEvent?.(event);

  // One controller for the whole run: the budget, the deadline and the caller's signal all stop
  // every call in flight through it.
  const run = new AbortController();
  let halted: { readonly reason: StopReason | 'aborted'; readonly detail: string } | undefined;
  const halt = (reason: StopReason | 'aborted', detail: string): void => {
    if (halted !== undefined) return;
    halted = { reason, detail };
    run.abort(new AbortedError(`cancelled: ${detail}`));
  };
  const onCallerAbort = (): void => halt('aborted', 'the caller cancelled the council');
  options.signal?.addEventListener('abort', onCallerAbort, { once: true });
  const deadlineTimer =
    deadlineMs === undefined ? undefined : setTimeout(() => halt('deadline', `the ${formatDuration(deadlineMs)} deadline passed`), deadlineMs);

  const ledger = createCallLedger({
    at,
    personaBySystem: new Map(personas.map((persona) => [buildSystemPrompt(persona), persona.name])),
    onSettled: () => {
      const spent = ledger.spent();
      if (budgetUsd !== undefined && spent.costUsd >= budgetUsd) {
        halt('budget', `spent $${spent.costUsd.toFixed(6)} of the $${budgetUsd} budget`);
      } else if (budgetTokens !== undefined && spent.tokens >= budgetTokens) {
        halt('budget', `spent ${spent.tokens} tokens of the ${budgetTokens}-token budget`);
      }
    },
  });
  let batches = 0;

  /** A persona the round lost to a stop or cancel, rebuilt from what the ledger saw. */
  const fromLedger = (batch: number, persona: Persona, signal: AbortSignal): PersonaResult => {
    const entry = ledger.entries.find((candidate) => candidate.batch === batch && candidate.name === persona.name);
    const model = entry?.model ?? modelOf(persona);
    if (entry?.outcome === 'answered' && entry.usage !== null) {
      return {
        persona: persona.name,
        model,
        status: 'answered',
        verdict: entry.value as Verdict,
        cached: false,
        calls: entry.calls,
        attempts: entry.attempts,
        durationMs: entry.durationMs,
        usage: entry.usage,
        costUsd: entry.costUsd,
      };
    }
    const failed = entry?.outcome === 'failed';
    const reason: unknown = signal.reason;
    const message = failed ? (entry?.note ?? 'failed') : reason instanceof Error ? reason.message : 'cancelled';
    return {
      persona: persona.name,
      model,
      status: 'failed',
      error: { code: failed ? 'PROVIDER' : 'CANCELLED', message, status: null },
      attempts: entry?.attempts ?? 0,
      durationMs: entry?.durationMs ?? 0,
    };
  };

  const startRound = (round: number, previous: readonly PersonaResult[], synthesis: ArbiterSynthesis | undefined, speculative: boolean): RoundRun => {
    const batch = ++batches;
    const controller = new AbortController();
    const signal = AbortSignal.any([run.signal, controller.signal]);
    const startedAtMs = at();
    emit({ type: 'round-start', round, speculative });
    const common = {
      client: ledger.client(client, { round, role: 'persona', speculative, batch }),
      model: defaultModel,
      timeoutMs,
      stream,
      signal,
      now,
      onEvent: (event: PersonaEvent): void => {
        if (event.type === 'done') emit({ type: 'persona', round, speculative, result: event.result });
      },
    };
    // askPersonas rejects as soon as its signal aborts; the personas it had are rebuilt from the
    // ledger once the cancelled calls have unwound (their usage arrives with LlmAbortedError).
    const rescue = async (error: unknown, which: readonly Persona[]): Promise<PersonaResult[]> => {
      if (!signal.aborted) throw error;
      await ledger.idle();
      return which.map((persona) => fromLedger(batch, persona, signal));
    };
    const done =
      round === 1
        ? askPersonas(proposal, personas, common).then(
            (report) => report.results,
            (error: unknown) => rescue(error, personas),
          )
        : Promise.all(
            personas.map((persona) =>
              askPersonas(buildFollowUpProposal({ proposal, round, maxRounds, persona: persona.name, previous, synthesis }), [persona], common).then(
                (report) => report.results,
                (error: unknown) => rescue(error, [persona]),
              ),
            ),
          ).then((lists) => lists.flat());
    return { round, speculative, batch, startedAtMs, controller, done };
  };

  const runArbiter = async (
    round: number,
    results: readonly PersonaResult[],
    previousSynthesis: ArbiterSynthesis | undefined,
  ): Promise<{ outcome: ArbiterOutcome; synthesis: ArbiterSynthesis; source: 'arbiter' | 'majority-vote' }> => {
    const started = at();
    const errors: string[] = [];
    let attempts = 0;
    let status: ArbiterOutcome['status'] = 'failed';
    const arbiter = ledger.client(client, { round, role: 'arbiter', speculative: false, batch: ++batches });
    emit({ type: 'arbiter-start', round });
    if (run.signal.aborted) {
      status = 'skipped';
    } else {
      const messages = buildArbiterMessages({ proposal, round, maxRounds, results, previousSynthesis });
      for (let attempt = 1; attempt <= 1 + arbiterRetries; attempt++) {
        attempts = attempt;
        try {
          const answer = await arbiter.structured({
            messages,
            schema: ArbiterSynthesisSchema,
            schemaName: 'council_synthesis',
            model: arbiterModel,
            stream,
            signal: run.signal,
            deadlineMs: timeoutMs,
            label: `arbiter (round ${round})`,
          });
          return {
            outcome: { status: 'answered', model: answer.model, attempts, errors, durationMs: at() - started },
            synthesis: answer.value,
            source: 'arbiter',
          };
        } catch (error) {
          if (run.signal.aborted) {
            status = 'cancelled';
            break;
          }
          const message = error instanceof Error ? error.message : String(error);
          errors.push(message);
          if (attempt <= arbiterRetries) emit({ type: 'arbiter-retry', round, attempt, error: message });
        }
      }
    }
    const why =
      status === 'failed'
        ? `The arbiter failed ${attempts === 1 ? 'once' : `${attempts} times`} (${errors.at(-1) ?? 'no answer'})`
        : `The arbiter was ${status === 'cancelled' ? 'cancelled' : 'not asked'}: ${halted?.detail ?? 'the council stopped'}`;
    return {
      outcome: { status, model: arbiterModel, attempts, errors, durationMs: at() - started },
      synthesis: majorityVoteSynthesis(aggregateVerdicts(results), why),
      source: 'majority-vote',
    };
  };

  const settledSpeculations: PendingSpeculation[] = [];
  const decide = (spec: RoundRun, outcome: Speculation['outcome'], reason: string, unseen: string[] = []): void => {
    settledSpeculations.push({ run: spec, decidedAtMs: at(), outcome, reason, unseenOpenQuestions: unseen });
    if (outcome === 'cancelled' || outcome === 'restarted') {
      spec.controller.abort(new AbortedError(`speculation ${outcome}: ${reason}`));
      // Nobody awaits a discarded round; its calls are accounted through the ledger.
      spec.done.catch(() => undefined);
    }
    emit({ type: 'speculation', round: spec.round, outcome, reason });
  };

  const rounds: Omit<CouncilRound, 'usage' | 'costUsd'>[] = [];
  let stop: { reason: StopReason; detail: string } | undefined;

  try {
    let current = startRound(1, [], undefined, false);
    let previous: { results: readonly PersonaResult[]; synthesis: ArbiterSynthesis } | undefined;
    for (let n = 1; ; n++) {
      const results = await current.done;
      const personasDoneAtMs = at();
      const aggregate = aggregateVerdicts(results);
      const quorumInfo = { required: quorum, answered: aggregate.answered, met: aggregate.answered >= quorum };
      const base = {
        round: n,
        speculative: current.speculative,
        startedAtMs: current.startedAtMs,
        personasDoneAtMs,
        personas: results,
        aggregate,
        quorum: quorumInfo,
      };
      if (!quorumInfo.met) {
        rounds.push({ ...base, endedAtMs: personasDoneAtMs, arbiter: null, synthesis: null, synthesisSource: null, convergence: null });
        stop =
          halted !== undefined && halted.reason !== 'aborted'
            ? { reason: halted.reason, detail: `${halted.detail}, during round ${n}` }
            : halted === undefined
              ? { reason: 'quorum', detail: `round ${n}: ${aggregate.answered} of ${personas.length} personas answered; the quorum is ${quorum}` }
              : undefined;
        break;
      }

      const spec = mode !== 'off' && n < maxRounds && halted === undefined ? startRound(n + 1, results, undefined, true) : undefined;
      const arbiter = await runArbiter(n, results, previous?.synthesis);
      const convergence = measureConvergence({ synthesis: arbiter.synthesis, results, previous: previous?.results, epsilon });
      rounds.push({
        ...base,
        endedAtMs: at(),
        arbiter: arbiter.outcome,
        synthesis: arbiter.synthesis,
        synthesisSource: arbiter.source,
        convergence,
      });
      emit({ type: 'arbiter-done', round: n, synthesis: arbiter.synthesis, source: arbiter.source, convergence });
      previous = { results, synthesis: arbiter.synthesis };

      // A stop that cut the arbiter short wins over the majority vote's "converged": the vote only
      // stood in because the council was already stopping.
      const cutShort = arbiter.outcome.status === 'cancelled' || arbiter.outcome.status === 'skipped';
      if (halted !== undefined && cutShort) {
        stop = halted.reason === 'aborted' ? undefined : { reason: halted.reason, detail: halted.detail };
      } else if (convergence.converged) {
        stop = { reason: 'converged', detail: `round ${n}: ${convergence.reason}` };
      } else if (halted !== undefined) {
        stop = halted.reason === 'aborted' ? undefined : { reason: halted.reason, detail: halted.detail };
      } else if (n >= maxRounds) {
        stop = { reason: 'max-rounds', detail: `${maxRounds} round${maxRounds === 1 ? '' : 's'} without convergence` };
      }
      if (stop !== undefined || halted !== undefined) {
        if (spec !== undefined) decide(spec, 'cancelled', stop?.reason === 'converged' ? `the arbiter converged at round ${n}` : (halted?.detail ?? 'the council stopped'));
        break;
      }

      if (spec === undefined) {
        current = startRound(n + 1, results, arbiter.synthesis, false);
      } else if (mode === 'restart') {
        const unseen = findUnseenOpenQuestions(arbiter.synthesis.open_questions, results.map(answerText));
        if (unseen.length > 0) {
          decide(spec, 'restarted', `the synthesis of round ${n} raised ${unseen.length} open question${unseen.length === 1 ? '' : 's'} no answer mentioned`, unseen);
          current = startRound(n + 1, results, arbiter.synthesis, false);
        } else {
          decide(spec, 'kept', `every open question of round ${n} was already in an answer the personas saw`);
          current = spec;
        }
      } else {
        decide(spec, 'accepted', `accept mode: round ${n + 1} prompts never include the synthesis, so the speculative answers are final`);
        current = spec;
      }
    }
  } finally {
    clearTimeout(deadlineTimer);
    options.signal?.removeEventListener('abort', onCallerAbort);
    if (!run.signal.aborted) run.abort(new AbortedError('cancelled: the council has finished'));
    await ledger.idle();
  }

  if (halted?.reason === 'aborted' || stop === undefined) {
    throw options.signal?.reason ?? new AbortedError('the council was cancelled');
  }
  emit({ type: 'stop', reason: stop.reason, detail: stop.detail });

  // Marked only now: a call whose answer was already on the wire when the abort came still
  // resolves as answered, a moment after the decision.
  for (const spec of settledSpeculations) {
    if (spec.outcome !== 'cancelled' && spec.outcome !== 'restarted') continue;
    for (const entry of ledger.entries) {
      if (entry.batch !== spec.run.batch || entry.outcome !== 'answered') continue;
      entry.wasted = true;
      entry.note = `answer thrown away: ${spec.reason}`;
    }
  }
  const calls = ledger.entries.map(toCall);
  const totals = sumCalls(calls);
  const finishedRounds: CouncilRound[] = rounds.map((round) => ({
    ...round,
    ...sumCalls(calls.filter((call) => call.round === round.round && !call.wasted)),
  }));
  const speculations: Speculation[] = settledSpeculations.map((spec) => {
    const own = ledger.entries.filter((entry) => entry.batch === spec.run.batch).map(toCall);
    const wasted = spec.outcome === 'cancelled' || spec.outcome === 'restarted' ? wasteOf(own) : wasteOf([]);
    return {
      round: spec.run.round,
      startedAtMs: spec.run.startedAtMs,
      decidedAtMs: spec.decidedAtMs,
      outcome: spec.outcome,
      reason: spec.reason,
      unseenOpenQuestions: spec.unseenOpenQuestions,
      calls: own.length,
      wasted,
    };
  });
  const lastComplete = finishedRounds.findLast((round) => round.synthesis !== null);
  const final = lastComplete === undefined ? null : finalVerdictOf(lastComplete);

  return {
    schemaVersion: 1,
    proposal,
    settings,
    rounds: finishedRounds,
    speculations,
    calls,
    usage: totals.usage,
    costUsd: totals.costUsd,
    wasted: wasteOf(calls),
    final,
    stopReason: stop.reason,
    stopDetail: stop.detail,
    startedAt: startedAt.toISOString(),
    durationMs: at(),
  };
}
