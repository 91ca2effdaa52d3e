import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throw-away PKI for TLS tests, made with the `openssl` CLI at test time:
 * a CA, a server certificate for 127.0.0.1/localhost, and client certificates
 * (CN = the given names) for mutual TLS. Nothing is checked in; `remove()`
 * deletes the directory.
 */
export interface TestPki {
  directory: string;
  caFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  /** Client certificate and key per requested common name. */
  clients: Record<string, { certFile: string; keyFile: string }>;
  read(file: string): Buffer;
  remove(): void;
}

const VALID_DAYS = '2';

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function issue(
  directory: string,
  name: string,
  subject: string,
  extensions: string,
): { certFile: string; keyFile: string } {
  const keyFile = join(directory, `${name}.key`);
  const csrFile = join(directory, `${name}.csr`);
  const certFile = join(directory, `${name}.pem`);
  const extFile = join(directory, `${name}.ext`);
  writeFileSync(extFile, extensions);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', csrFile, '-subj', subject], directory);
  openssl(
    [
      'x509',
      '-req',
      '-in',
      csrFile,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      certFile,
      '-days',
      VALID_DAYS,
      '-sha256',
      '-extfile',
      extFile,
    ],
    directory,
  );
  return { certFile, keyFile };
}

export function createTestPki(clientNames: readonly string[] = []): TestPki {
  const directory = mkdtempSync(join(tmpdir(), 'stockwire-pki-'));
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      VALID_DAYS,
      '-subj',
      '/CN=stockwire test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    directory,
  );
  const server = issue(
    directory,
    'server',
    '/CN=localhost',
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n',
  );
  const clients: TestPki['clients'] = {};
  for (const name of clientNames)
    clients[name] = issue(directory, `client-${name}`, `/CN=${name}`, 'extendedKeyUsage=clientAuth\n');
  return {
    directory,
    caFile: join(directory, 'ca.pem'),
    serverCertFile: server.certFile,
    serverKeyFile: server.keyFile,
    clients,
    read: (file) => readFileSync(file),
    remove: () => rmSync(directory, { recursive: true, force: true }),
  };
}
