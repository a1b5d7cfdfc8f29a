// desktop/scripts/copy-renderer-assets.mjs — copies the renderer's page and stylesheet next to its compiled scripts
// (desktop/dist/app/renderer/), which tsc does not do. Run by `npm run build` after `tsc -b`.
import { copyFileSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const from = new URL('../src/app/renderer/', import.meta.url)
const to = new URL('../dist/app/renderer/', import.meta.url)
mkdirSync(to, { recursive: true })
for (const name of ['index.html', 'styles.css']) copyFileSync(new URL(name, from), new URL(name, to))
console.error(`renderer assets copied to ${fileURLToPath(to)}`)
