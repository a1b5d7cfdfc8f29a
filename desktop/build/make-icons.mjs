// desktop/build/make-icons.mjs — draws the app's icons (a shield) as PNGs with no image library: the packaging set
// for Linux (desktop/build/icons/NxN.png), the window icon and the three tray states (desktop/assets/).
// Run `node desktop/build/make-icons.mjs` after changing the drawing; the PNGs are committed.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { deflateSync } from 'node:zlib'

const desktop = join(dirname(fileURLToPath(import.meta.url)), '..')

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
const crc32 = (bytes) => {
  let c = 0xffffffff
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
const chunk = (type, data) => {
  const out = Buffer.alloc(12 + data.length)
  out.writeUInt32BE(data.length, 0)
  out.write(type, 4, 'ascii')
  data.copy(out, 8)
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length)
  return out
}
const png = (size, rgba) => {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header.set([8, 6, 0, 0, 0], 8)
  const rows = Buffer.alloc(size * (size * 4 + 1))
  for (let y = 0; y < size; y++) rows.set(rgba.subarray(y * size * 4, (y + 1) * size * 4), y * (size * 4 + 1) + 1)
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))])
}

// Shapes in unit coordinates (u right, v down).
const shield = (u, v) => {
  if (v < 0.14 || v > 0.9) return false
  const half = v < 0.5 ? 0.32 : 0.32 * Math.sqrt(Math.max(0, 1 - ((v - 0.5) / 0.4) ** 2))
  return Math.abs(u - 0.5) <= half
}
const roundedSquare = (u, v) => {
  const r = 0.18
  const dx = Math.max(0, Math.abs(u - 0.5) - (0.5 - r))
  const dy = Math.max(0, Math.abs(v - 0.5) - (0.5 - r))
  return dx * dx + dy * dy <= r * r
}
const check = (u, v) => {
  const near = (ax, ay, bx, by, w) => {
    const t = Math.max(0, Math.min(1, ((u - ax) * (bx - ax) + (v - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)))
    return Math.hypot(u - (ax + t * (bx - ax)), v - (ay + t * (by - ay))) <= w
  }
  return near(0.36, 0.5, 0.46, 0.62, 0.045) || near(0.46, 0.62, 0.66, 0.38, 0.045)
}

/** layers: [shape, [r,g,b]] painted in order; 4×4 supersampling for the edges. */
const draw = (size, layers) => {
  const rgba = new Uint8Array(size * size * 4)
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const acc = [0, 0, 0, 0]
      for (let sy = 0; sy < 4; sy++) {
        for (let sx = 0; sx < 4; sx++) {
          const u = (x + (sx + 0.5) / 4) / size
          const v = (y + (sy + 0.5) / 4) / size
          let colour = null
          for (const [shape, rgb] of layers) if (shape(u, v)) colour = rgb
          if (colour) {
            acc[0] += colour[0]
            acc[1] += colour[1]
            acc[2] += colour[2]
            acc[3] += 1
          }
        }
      }
      const i = (y * size + x) * 4
      if (acc[3] > 0) rgba.set([acc[0] / acc[3], acc[1] / acc[3], acc[2] / acc[3], (acc[3] / 16) * 255], i)
    }
  }
  return png(size, rgba)
}

const write = (file, bytes) => {
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, bytes)
}

const NAVY = [31, 58, 95]
const TEAL = [43, 179, 163]
const WHITE = [255, 255, 255]
const appIcon = (size) => draw(size, [[roundedSquare, NAVY], [shield, TEAL], [check, WHITE]])
for (const size of [16, 32, 48, 64, 128, 256, 512]) write(join(desktop, 'build', 'icons', `${size}x${size}.png`), appIcon(size))
write(join(desktop, 'assets', 'icon.png'), appIcon(256))

const TRAY = { ok: [46, 158, 91], attention: [224, 161, 0], off: [138, 138, 138] }
for (const [state, colour] of Object.entries(TRAY)) {
  write(join(desktop, 'assets', 'tray', `${state}.png`), draw(16, [[shield, colour]]))
  write(join(desktop, 'assets', 'tray', `${state}@2x.png`), draw(32, [[shield, colour]]))
}
