/**
 * shared/src/content-safety/detectors/default-detectors.ts — the detectors Warden runs when none are given.
 */
import type { Detector } from '../detector.js'
import { awsSecretKeyDetector } from './aws-secret-key.js'
import { creditCardDetector } from './credit-card.js'
import { emailDetector } from './email.js'
import { genericSecretDetector } from './generic-secret.js'
import { ibanDetector } from './iban.js'
import { ipAddressDetector } from './ip-address.js'
import { jwtDetector } from './jwt.js'
import { phoneDetector } from './phone.js'
import {
  anthropicApiKeyDetector,
  awsAccessKeyDetector,
  gcpApiKeyDetector,
  githubTokenDetector,
  npmTokenDetector,
  openaiApiKeyDetector,
  slackTokenDetector,
  slackWebhookDetector,
  stripeKeyDetector,
} from './prefixed-secrets.js'
import { privateKeyDetector } from './private-key.js'
import { usPassportDetector } from './us-passport.js'
import { usSsnDetector } from './us-ssn.js'

/**
 * Every built-in detector: PII first, then secrets, each in the order of ENTITY_TYPES. The order does not decide
 * anything (overlaps are resolved by `scanText`'s rule), it only keeps results stable. The detectors are frozen
 * too: they are shared by every scan in the process, so nobody can swap a pattern or precondition under the
 * others (and the screen of a list need not check them for changes).
 *
 * @example
 * scanJson(args, { detectors: [...DEFAULT_DETECTORS, myDetector] })
 */
export const DEFAULT_DETECTORS: readonly Detector[] = Object.freeze(
  [
    emailDetector,
    phoneDetector,
    creditCardDetector,
    usSsnDetector,
    ibanDetector,
    ipAddressDetector,
    usPassportDetector,
    awsAccessKeyDetector,
    awsSecretKeyDetector,
    githubTokenDetector,
    slackTokenDetector,
    slackWebhookDetector,
    stripeKeyDetector,
    gcpApiKeyDetector,
    openaiApiKeyDetector,
    anthropicApiKeyDetector,
    npmTokenDetector,
    privateKeyDetector,
    jwtDetector,
    genericSecretDetector,
  ].map((detector) => Object.freeze(detector)),
)
