/**
 * shared/src/content-safety/detectors/default-detectors.ts — the detectors Warden runs when none are given.
 */
import type { Detector } from '../detector.js'
import { creditCardDetector } from './credit-card.js'
import { emailDetector } from './email.js'
import { jwtDetector } from './jwt.js'
import { PREFIXED_SECRET_DETECTORS } from './prefixed-secrets.js'
import { privateKeyDetector } from './private-key.js'
import { usSsnDetector } from './us-ssn.js'

/**
 * Every built-in detector: PII first, then secrets, each in the order of ENTITY_TYPES. The order does not decide
 * anything (overlaps are resolved by `scanText`'s rule), it only keeps results stable.
 *
 * @example
 * scanJson(args, { detectors: [...DEFAULT_DETECTORS, myDetector] })
 */
export const DEFAULT_DETECTORS: readonly Detector[] = Object.freeze([
  emailDetector,
  creditCardDetector,
  usSsnDetector,
  ...PREFIXED_SECRET_DETECTORS,
  privateKeyDetector,
  jwtDetector,
])
