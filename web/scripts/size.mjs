#!/usr/bin/env node
/*
 * Production bundle size, gzip level 9, of web/dist:
 *   first page  = index.html and everything it loads before the login page
 *                 shows (the entry script, its modulepreloads, stylesheets);
 *   whole console = every file under dist/ (each counted once).
 * Run after `npm run build`.  Prints a small table and a JSON line.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist')

function gz(path) {
  const b = readFileSync(path)
  return { raw: b.length, gzip: gzipSync(b, { level: 9 }).length }
}

function walk(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n)
    return statSync(p).isDirectory() ? walk(p) : [p]
  })
}

const html = readFileSync(join(dist, 'index.html'), 'utf8')
const refs = new Set(['index.html'])
for (const m of html.matchAll(/(?:src|href)="\/([^"]+)"/g))
  refs.add(m[1])

const first = { raw: 0, gzip: 0, files: 0 }
for (const f of refs) {
  const s = gz(join(dist, f))
  first.raw += s.raw
  first.gzip += s.gzip
  first.files++
}
const all = { raw: 0, gzip: 0, files: 0, js: 0, css: 0 }
for (const p of walk(dist)) {
  const s = gz(p)
  all.raw += s.raw
  all.gzip += s.gzip
  all.files++
  if (p.endsWith('.js')) all.js += s.gzip
  if (p.endsWith('.css')) all.css += s.gzip
}
const kb = (n) => (n / 1024).toFixed(1) + ' KB'
console.log(`first page   ${first.files} files  raw ${kb(first.raw)}  gzip ${kb(first.gzip)}`)
console.log(`whole console ${all.files} files  raw ${kb(all.raw)}  gzip ${kb(all.gzip)} (JS ${kb(all.js)}, CSS ${kb(all.css)})`)
console.log(JSON.stringify({ first_page_gzip: first.gzip, whole_gzip: all.gzip, first_page_files: [...refs] }))
