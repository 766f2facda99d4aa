/*
 * QR codes drawn in the browser (no network): qrcode-generator at error
 * correction level M, the level specs/ecert-v1.md prints certificates
 * with; the smallest version that holds the text.  Texts here are ASCII
 * (an FWC1 code, an otpauth URI), so byte mode needs no charset choice.
 */
import qrcode from 'qrcode-generator'

export interface QrImage {
  /* A GIF data URL. */
  url: string
  /* Modules per side (version v has 17 + 4v). */
  modules: number
}

export function qrImage(text: string, cell = 4, margin = 16): QrImage {
  const qr = qrcode(0, 'M')
  qr.addData(text, 'Byte')
  qr.make()
  return { url: qr.createDataURL(cell, margin), modules: qr.getModuleCount() }
}
