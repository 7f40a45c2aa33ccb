/**
 * The emulator's TLS identity. SDK 3.0.7 only treats https URLs as Graph (item 1), so the
 * emulator needs a certificate for `localhost`/127.0.0.1; it is made once per data dir and
 * reused so a trusted PEM (NODE_EXTRA_CA_CERTS, an undici Agent `ca`) stays valid.
 */
import { X509Certificate } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generate } from 'selfsigned';

export interface EmulatorCertificate {
  readonly certPem: string;
  readonly keyPem: string;
  readonly certPath: string;
}

const CERT_FILE = 'cert.pem';
const KEY_FILE = 'key.pem';
const RENEW_BEFORE_MS = 7 * 24 * 3600 * 1000;

async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if (e instanceof Error && 'code' in e && e.code === 'ENOENT') return undefined;
    throw e;
  }
}

function stillUsable(certPem: string, nowMs: number): boolean {
  try {
    const cert = new X509Certificate(certPem);
    return (
      Date.parse(cert.validTo) - nowMs > RENEW_BEFORE_MS &&
      cert.checkHost('localhost') !== undefined &&
      cert.checkIP('127.0.0.1') !== undefined
    );
  } catch {
    return false;
  }
}

async function writeAtomically(file: string, text: string, mode: number): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text, { mode });
  await rename(tmp, file);
}

export async function loadOrCreateCertificate(dataDir: string): Promise<EmulatorCertificate> {
  const certPath = path.join(dataDir, CERT_FILE);
  const keyPath = path.join(dataDir, KEY_FILE);
  const [certPem, keyPem] = await Promise.all([readIfPresent(certPath), readIfPresent(keyPath)]);
  if (certPem !== undefined && keyPem !== undefined && stillUsable(certPem, Date.now())) {
    return { certPem, keyPem, certPath };
  }
  const notBeforeDate = new Date(Date.now() - 3600 * 1000);
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + 825 * 24 * 3600 * 1000),
    extensions: [
      // Self-signed and used as its own trust anchor, so it is marked as a CA.
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  // Key first: a cert without its key on disk would be regenerated anyway.
  await writeAtomically(keyPath, pems.private, 0o600);
  await writeAtomically(certPath, pems.cert, 0o644);
  return { certPem: pems.cert, keyPem: pems.private, certPath };
}
