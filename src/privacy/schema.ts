/**
 * The individual-number guard as a zod refinement, for every text field that
 * comes in: the device contract's inputs and the upload and enrollment
 * schemas of the sync protocol. A field built with `noIndividualNumber`
 * refuses what containsIndividualNumber finds; a test walks every input
 * schema and proves each text field refuses one (or is a listed exception).
 *
 * Validation errors are described here too, for the dispatcher and the
 * central service alike: paths and zod's own words, never the submitted
 * values, and with anything that reads as an individual number masked (a
 * record's keys are part of an issue's path).
 */
import { z } from 'zod';
import { containsIndividualNumber, maskIndividualNumbers } from './individual-number';

/** The refinement's words in validation issues (the refusal itself is NO_INDIVIDUAL_NUMBER in common/messages). */
export const INDIVIDUAL_NUMBER_ISSUE = 'holds what may be an individual number (My Number); leave it out';

const PARAMS = { individualNumber: true } as const;

/** The string schema, refusing any value that carries an individual number. */
export function noIndividualNumber<S extends z.ZodString>(schema: S): S {
  return schema.refine((value) => !containsIndividualNumber(value), { message: INDIVIDUAL_NUMBER_ISSUE, params: PARAMS });
}

/** A guarded free-text field: trimmed, min..max characters. */
export function guardedText(min: number, max: number): z.ZodString {
  return noIndividualNumber(z.string().trim().min(min).max(max));
}

type Issue = z.core.$ZodIssue;

/** True for an issue of the guard, also when nested (a record key, a union member). */
function isGuardIssue(issue: Issue): boolean {
  switch (issue.code) {
    case 'custom':
      return issue.params?.individualNumber === true;
    case 'invalid_key':
    case 'invalid_element':
      return issue.issues.some(isGuardIssue);
    case 'invalid_union':
      return issue.errors.some((branch) => branch.some(isGuardIssue));
    default:
      return false;
  }
}

/** True when what was wrong includes an individual number: callers answer INDIVIDUAL_NUMBER, not a generic refusal. */
export function refusesIndividualNumber(error: z.ZodError): boolean {
  return error.issues.some(isGuardIssue);
}

export interface IssueDescription {
  readonly path: string;
  readonly message: string;
}

/** At most 20 issues, as path and message, with anything that reads as an individual number masked. */
export function describeIssues(error: z.ZodError, root: string): IssueDescription[] {
  return error.issues.slice(0, 20).map((issue) => ({
    path: maskIndividualNumbers(issue.path.map(String).join('.')) || root,
    message: isGuardIssue(issue) ? INDIVIDUAL_NUMBER_ISSUE : maskIndividualNumbers(issue.message),
  }));
}
