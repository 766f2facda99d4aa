/*
 * Uploaded files (photos, signatures, documents; SECURITY.md I-5): sent
 * as the raw body with its media type; the server sniffs the type,
 * checks size and pixels, and answers with the file's id and SM3.
 */
import { request } from './http'

export type FilePurpose = 'photo' | 'signature' | 'document'

export interface StoredFile {
  id: string
  sm3: string
  kind: 'jpeg' | 'png' | 'pdf'
  bytes: number
  width: number | null
  height: number | null
  purpose: FilePurpose
}

const TYPES: Record<string, string> = { 'image/jpeg': 'image/jpeg', 'image/png': 'image/png', 'application/pdf': 'application/pdf' }

export function uploadFile(data: Blob, purpose: FilePurpose): Promise<StoredFile> {
  const type = TYPES[data.type]
  if (!type)
    return Promise.reject(new Error(`unsupported file type ${data.type || '(none)'}`))
  return request<StoredFile>('POST', '/api/v1/files', { query: { purpose }, raw: { data, type } })
}

/* Where the display copy of a file is served. */
export function fileUrl(id: string): string {
  return `/api/v1/files/${encodeURIComponent(id)}/content`
}
