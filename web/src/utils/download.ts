/* Saving what the console downloaded (an export, a PDF) under a name, through an object URL. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 60000)
}

function pad(n: number): string {
  return n < 10 ? '0' + n : String(n)
}

/* base-YYYYMMDD.ext, the day in local time (as the other exports name their files). */
export function datedFilename(base: string, ext: string, d: Date): string {
  return `${base}-${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}.${ext}`
}
