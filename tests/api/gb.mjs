// GB/T 26875.3 frames for the IoT tests (docs/modules/iot.md), built
// here independently of the C library: control unit, application data
// unit, 8-bit sum, markers.  A Device is one TCP connection to the
// gateway that sends frames and reads the 30-byte replies.  Only Node's
// standard library is used.
import net from 'node:net';
import { dirname, join } from 'node:path';
import { BIN } from './lib.mjs';

// The device simulator built beside the binary (bench/sim_gb26875.c).
export const SIM = process.env.FW_SIM || join(dirname(BIN), 'bench', 'sim_gb26875');

// Six bytes of a time label: sec, min, hour, day, month, year - 2000, in
// China time.
function timeLabel(ms = Date.now()) {
  const d = new Date(ms + 8 * 3600e3);
  return [d.getUTCSeconds(), d.getUTCMinutes(), d.getUTCHours(), d.getUTCDate(),
    d.getUTCMonth() + 1, d.getUTCFullYear() - 2000];
}

function addr(v) {
  const b = Buffer.alloc(6);
  let x = BigInt(v);
  for (let i = 0; i < 6; i++) { b[i] = Number(x & 0xffn); x >>= 8n; }
  return b;
}

// A frame: serial, source address (number or BigInt), ADU (Buffer), command.
export function frame(serial, source, adu = Buffer.alloc(0), cmd = 2) {
  const b = Buffer.alloc(30 + adu.length);
  b.write('@@', 0, 'latin1');
  b.writeUInt16LE(serial & 0xffff, 2);
  b[4] = 1;
  b[5] = 1;
  Buffer.from(timeLabel()).copy(b, 6);
  addr(source).copy(b, 12);
  addr(88888).copy(b, 18);
  b.writeUInt16LE(adu.length, 24);
  b[26] = cmd;
  adu.copy(b, 27);
  let sum = 0;
  for (let i = 2; i < 27 + adu.length; i++) sum += b[i];
  b[27 + adu.length] = sum & 0xff;
  b.write('##', 28 + adu.length, 'latin1');
  return b;
}

// Type 1: one system's state.
export function sysState(sysType, sysAddr, state) {
  const b = Buffer.alloc(2 + 10);
  b[0] = 1; b[1] = 1;
  b[2] = sysType; b[3] = sysAddr;
  b.writeUInt16LE(state, 4);
  Buffer.from(timeLabel()).copy(b, 6);
  return b;
}

// Type 2: one component's state; desc in ASCII (valid GB18030).
export function compState(sysType, sysAddr, compType, compAddr, state, desc = '') {
  const b = Buffer.alloc(2 + 46);
  b[0] = 2; b[1] = 1;
  b[2] = sysType; b[3] = sysAddr; b[4] = compType;
  b.writeUInt32LE(compAddr, 5);
  b.writeUInt16LE(state, 9);
  Buffer.from(desc.padEnd(31, ' ').slice(0, 31), 'latin1').copy(b, 11);
  Buffer.from(timeLabel()).copy(b, 42);
  return b;
}

// Type 3: one analog value (analog type 5: kPa in 0.1 kPa).
export function analog(sysType, sysAddr, compType, compAddr, analogType, raw) {
  const b = Buffer.alloc(2 + 16);
  b[0] = 3; b[1] = 1;
  b[2] = sysType; b[3] = sysAddr; b[4] = compType;
  b.writeUInt32LE(compAddr, 5);
  b[9] = analogType;
  b.writeInt16LE(raw, 10);
  Buffer.from(timeLabel()).copy(b, 12);
  return b;
}

export class Device {
  constructor(port, source) {
    this.port = port;
    this.source = source;
    this.serial = 0;
    this.buf = Buffer.alloc(0);
    this.waiters = [];
  }

  connect() {
    return new Promise((ok, fail) => {
      this.sock = net.createConnection({ host: '127.0.0.1', port: this.port }, ok);
      this.sock.on('error', fail);
      this.sock.on('data', (d) => {
        this.buf = Buffer.concat([this.buf, d]);
        while (this.buf.length >= 30 && this.waiters.length > 0) {
          const r = this.buf.subarray(0, 30);
          this.buf = this.buf.subarray(30);
          this.waiters.shift()(r);
        }
      });
    });
  }

  // Send raw bytes; resolve with the next reply (command byte, serial).
  sendRaw(bytes, timeoutMs = 5000) {
    return new Promise((ok, fail) => {
      const t = setTimeout(() => fail(new Error('no reply')), timeoutMs);
      this.waiters.push((r) => { clearTimeout(t); ok({ cmd: r[26], serial: r.readUInt16LE(2), raw: r }); });
      this.sock.write(bytes);
    });
  }

  send(adu) { return this.sendRaw(frame(++this.serial, this.source, adu)); }

  heartbeat() { return this.send(Buffer.alloc(0)); }

  close() { this.sock?.destroy(); }
}
