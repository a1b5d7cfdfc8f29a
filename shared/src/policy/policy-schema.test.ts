import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { policyJsonSchema } from './policy-schema.js'

// shared/policy.schema.json is published for editors. When the schema changes, regenerate it from the repository
// root after a build:
//   npm run build && node -e "import('./shared/dist/policy/index.js').then((m) => process.stdout.write(JSON.stringify(m.policyJsonSchema(), null, 2) + '\n'))" > shared/policy.schema.json
describe('policyJsonSchema', () => {
  it('matches the committed shared/policy.schema.json', () => {
    const committed = readFileSync(new URL('../../policy.schema.json', import.meta.url), 'utf8')
    expect(committed).toBe(`${JSON.stringify(policyJsonSchema(), null, 2)}\n`)
  })

  it('is a strict draft 2020-12 schema with the rule shape in $defs', () => {
    const schema = policyJsonSchema()
    expect(schema['$schema']).toBe('https://json-schema.org/draft/2020-12/schema')
    expect(schema['additionalProperties']).toBe(false)
    expect(schema['required']).toEqual(['version', 'revision', 'rules'])
    expect(Object.keys(schema['$defs'] as object)).toContain('WardenPolicyRule')
  })
})
