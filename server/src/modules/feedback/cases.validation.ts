import { z } from 'zod';
import { InvalidInputError, isUuid } from '../../errors.ts';
import type { CaseStatus, SurveyType } from '../../generated/prisma/client.ts';
import { firstIssue } from '../stores/stores.validation.ts';

/**
 * Input rules of follow-up cases, as pure parsers: each throws InvalidInputError(field, rule)
 * naming the first offending field, so invalid input changes nothing.
 */

export const CASE_STATUSES = ['OPEN', 'IN_PROGRESS', 'RESOLVED', 'DISMISSED'] as const satisfies readonly CaseStatus[];
export const SURVEY_TYPES = ['NPS', 'CSAT', 'CES'] as const satisfies readonly SurveyType[];

/** Where each status may go. RESOLVED and DISMISSED are final. */
export const CASE_TRANSITIONS: Readonly<Record<CaseStatus, readonly CaseStatus[]>> = {
  OPEN: ['IN_PROGRESS', 'DISMISSED'],
  IN_PROGRESS: ['RESOLVED', 'DISMISSED'],
  RESOLVED: [],
  DISMISSED: [],
};

export function isFinalStatus(status: CaseStatus): boolean {
  return CASE_TRANSITIONS[status].length === 0;
}

export function canTransition(from: CaseStatus, to: CaseStatus): boolean {
  return CASE_TRANSITIONS[from].includes(to);
}

/** Not final: the case still needs someone (and counts as overdue once its due time has passed). */
export const ACTIVE_STATUSES: readonly CaseStatus[] = CASE_STATUSES.filter((status) => !isFinalStatus(status));

export const ASSIGNEE_MAX = 200;
export const REPLY_MAX = 5_000;
export const NOTE_MAX = 5_000;
export const AUTHOR_MAX = 200;
export const PAGE_DEFAULT = 20;
export const PAGE_MAX = 100;

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Plain text (line breaks allowed, other control characters refused), trimmed. */
const text = (max: number) =>
  z
    .string({ error: 'must be a string' })
    .trim()
    .max(max, `must be at most ${max} characters`)
    .refine((value) => !CONTROL.test(value), 'must not contain control characters');

/** Empty text means "no value" (clears the field). */
const optionalText = (max: number) =>
  z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? null : value), text(max).nullish());

const status = z.enum(CASE_STATUSES, { error: `must be one of ${CASE_STATUSES.join(', ')}` });

const date = z.date({ error: 'must be a date' }).refine((value) => !Number.isNaN(value.getTime()), 'must be a date');

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  if (input === null || typeof input !== 'object') throw new InvalidInputError('input', 'must be an object');
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const { field, rule } = firstIssue(parsed.error);
    throw new InvalidInputError(field, rule);
  }
  return parsed.data;
}

// ---------------------------------------------------------------------------------------------
// Updates and notes

/** What an admin changes on a case; undefined: unchanged, null (or empty text): cleared. */
export interface CaseUpdateInput {
  status?: CaseStatus | null;
  assignee?: string | null;
  /** What the customer is told when the case is resolved (plain text). */
  reply?: string | null;
  /** Re-survey the customer when the case is resolved. */
  resurvey?: boolean | null;
}

const caseUpdateSchema = z.object({
  status: status.nullish(),
  assignee: optionalText(ASSIGNEE_MAX),
  reply: optionalText(REPLY_MAX),
  resurvey: z.boolean({ error: 'must be true or false' }).nullish(),
});

export interface ValidCaseUpdate {
  /** Absent: unchanged. */
  status?: CaseStatus;
  /** null: unassigned. */
  assignee?: string | null;
  reply?: string | null;
  resurvey?: boolean;
}

export function parseCaseUpdate(input: unknown): ValidCaseUpdate {
  const given = input && typeof input === 'object' ? (input as Record<string, unknown>) : input;
  const valid = parse(caseUpdateSchema, given);
  const raw = given as Record<string, unknown>;
  const result: ValidCaseUpdate = {};
  // null status / resurvey mean "unchanged": neither can be cleared.
  if (valid.status != null) result.status = valid.status;
  if (valid.resurvey != null) result.resurvey = valid.resurvey;
  if (raw.assignee !== undefined) result.assignee = valid.assignee ?? null;
  if (raw.reply !== undefined) result.reply = valid.reply ?? null;
  return result;
}

export interface CaseNoteInput {
  /** Who wrote it: the admin key's id or name. */
  author: string;
  body: string;
}

const caseNoteSchema = z.object({
  author: text(AUTHOR_MAX).pipe(z.string().min(1, 'must not be empty')),
  body: text(NOTE_MAX).pipe(z.string().min(1, 'must not be empty')),
});

export function parseCaseNote(input: unknown): CaseNoteInput {
  return parse(caseNoteSchema, input);
}

// ---------------------------------------------------------------------------------------------
// Listing

export interface CaseFilter {
  /** One status or several. */
  status?: CaseStatus | readonly CaseStatus[] | null;
  /** Exactly this assignee. */
  assignee?: string | null;
  /** true: only cases nobody is assigned to. */
  unassigned?: boolean | null;
  /** true: only unresolved cases past their due time; false: only the others. */
  overdue?: boolean | null;
  surveyType?: SurveyType | null;
  surveyId?: string | null;
  customerId?: string | null;
  /** Opened at or after this time. */
  from?: Date | null;
  /** Opened before this time. */
  to?: Date | null;
}

export interface ValidCaseFilter {
  statuses: CaseStatus[] | null;
  assignee: string | null;
  unassigned: boolean;
  overdue: boolean | null;
  surveyType: SurveyType | null;
  surveyId: string | null;
  customerId: string | null;
  from: Date | null;
  to: Date | null;
}

const caseFilterSchema = z
  .object({
    status: z.union([status, z.array(status, { error: 'must be a list of statuses' })]).nullish(),
    assignee: optionalText(ASSIGNEE_MAX),
    unassigned: z.boolean({ error: 'must be true or false' }).nullish(),
    overdue: z.boolean({ error: 'must be true or false' }).nullish(),
    surveyType: z.enum(SURVEY_TYPES, { error: `must be one of ${SURVEY_TYPES.join(', ')}` }).nullish(),
    surveyId: z.string({ error: 'must be an id' }).nullish(),
    customerId: z.string({ error: 'must be an id' }).nullish(),
    from: date.nullish(),
    to: date.nullish(),
  })
  .superRefine((input, context) => {
    if (input.from && input.to && input.to <= input.from)
      context.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
    if (input.unassigned && input.assignee)
      context.addIssue({ code: 'custom', path: ['unassigned'], message: 'cannot be combined with assignee' });
  });

export function parseCaseFilter(input: CaseFilter | null | undefined): ValidCaseFilter {
  const valid = parse(caseFilterSchema, input ?? {});
  const statuses =
    valid.status == null ? null : Array.isArray(valid.status) ? [...new Set(valid.status)] : [valid.status];
  return {
    statuses: statuses && statuses.length > 0 ? statuses : null,
    assignee: valid.assignee ?? null,
    unassigned: valid.unassigned ?? false,
    overdue: valid.overdue ?? null,
    surveyType: valid.surveyType ?? null,
    surveyId: valid.surveyId ?? null,
    customerId: valid.customerId ?? null,
    from: valid.from ?? null,
    to: valid.to ?? null,
  };
}

/** Keyset paging, newest first: `after` is the `endCursor` (a case id) of the previous page. */
export interface CasePage {
  first?: number | null;
  after?: string | null;
}

export function parseCasePage(page: CasePage | null | undefined): { first: number; after: string | null } {
  const first = page?.first ?? PAGE_DEFAULT;
  if (!Number.isInteger(first) || first < 1 || first > PAGE_MAX)
    throw new InvalidInputError('first', `must be a whole number from 1 to ${PAGE_MAX}`);
  const after = page?.after ?? null;
  if (after !== null && !isUuid(after)) throw new InvalidInputError('after', 'must be a cursor of a previous page');
  return { first, after: after?.toLowerCase() ?? null };
}
