/**
 * desktop/src/agent/protocol/issues.ts — zod failures in words fit for an error message.
 */
import type { z } from 'zod'

/**
 * Issue paths and messages, at most three: zod's messages name types and options, never the values sent, so
 * nothing a caller passed (a token, an argument) ends up in the error.
 *
 * @example
 * describeIssues(schema.safeParse(value).error!) // → 'spec.capacity: Too small: expected number to be >=1'
 */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length === 0 ? '(root)' : issue.path.join('.')}: ${issue.message}`)
    .join('; ')
}
