import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { Aedes, type AedesOptions, type AuthenticateError, type Client } from 'aedes';
import { z } from 'zod';
import { ID_PATTERN } from '../../../shared/src/contracts/topics.js';
import { makeError, raise } from '../../../shared/src/errors.js';
import type { Logger } from '../../../shared/src/log.js';
import { mayConnect, mayPublish, maySubscribe, type BrokerPrincipal } from './acl.js';
import { BrokerErrors } from './errors.js';
import { isPasswordHash, verifyPassword } from './password.js';

export const BrokerUserSchema = z
  .object({
    username: z.string().min(1).max(128),
    /** `scrypt$…` from hash-password.ts; preferred over a clear-text password. */
    passwordHash: z.string().optional(),
    password: z.string().min(1).optional(),
    role: z.enum(['gateway', 'till', 'cloud', 'admin']),
    siteId: z.string().regex(ID_PATTERN).optional(),
    gatewayId: z.string().regex(ID_PATTERN).optional(),
    tillId: z.string().regex(ID_PATTERN).optional(),
  })
  .strict();
export type BrokerUser = z.infer<typeof BrokerUserSchema>;

export interface EmbeddedBrokerTls {
  key: string | Buffer;
  cert: string | Buffer;
  /** CA for client certificates; with `requestClientCert` a client must present one signed by it. */
  ca?: string | Buffer;
  requestClientCert?: boolean;
}

export interface EmbeddedBrokerOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  users?: readonly BrokerUser[];
  /** Lab mode: anyone may connect and do anything. Never in production. */
  allowAnonymous?: boolean;
  tls?: EmbeddedBrokerTls;
  logger: Logger;
  /**
   * aedes persistence; default in memory, so sessions and queued QoS 1 messages
   * are lost when the process exits (use Mosquitto in production). A test may pass
   * one instance to successive brokers to model a network outage, not a restart.
   */
  persistence?: AedesOptions['persistence'];
}

export interface EmbeddedBroker {
  port: number;
  /** Refusals by kind since start (connect, publish, subscribe). */
  refusals(): { connect: number; publish: number; subscribe: number };
  close(): Promise<void>;
}

const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;
const IDENTIFIER_REJECTED = 2;

function authError(returnCode: number, message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

function checkUsers(users: readonly BrokerUser[]): void {
  for (const user of users) {
    const parsed = BrokerUserSchema.safeParse(user);
    if (!parsed.success)
      raise(BrokerErrors.BAD_USER, {
        username: user.username,
        reason: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '),
      });
    if (user.passwordHash === undefined && user.password === undefined)
      raise(BrokerErrors.BAD_USER, { username: user.username, reason: 'no password or passwordHash' });
    if (user.passwordHash !== undefined && !isPasswordHash(user.passwordHash))
      raise(BrokerErrors.BAD_PASSWORD_HASH, { username: user.username });
    if (user.role === 'gateway' && (user.siteId === undefined || user.gatewayId === undefined))
      raise(BrokerErrors.BAD_USER, { username: user.username, reason: 'a gateway user needs siteId and gatewayId' });
    if (user.role === 'till' && (user.siteId === undefined || user.tillId === undefined))
      raise(BrokerErrors.BAD_USER, { username: user.username, reason: 'a till user needs siteId and tillId' });
  }
}

function passwordMatches(user: BrokerUser, password: string): boolean {
  if (user.passwordHash !== undefined) return verifyPassword(password, user.passwordHash);
  return (
    user.password !== undefined &&
    user.password.length === password.length &&
    Buffer.compare(Buffer.from(user.password), Buffer.from(password)) === 0
  );
}

/** What the authentication and authorization hooks share: the users, who each client is, and the refusal counts. */
interface BrokerAccess {
  users: ReadonlyMap<string, BrokerUser>;
  allowAnonymous: boolean;
  principals: WeakMap<Client, BrokerPrincipal>;
  refusals: { connect: number; publish: number; subscribe: number };
  logger: Logger;
}

const ANONYMOUS: BrokerPrincipal = { username: '(anonymous)', role: 'admin' };

/**
 * The broker `npm start` runs in-process: aedes with authentication, the same
 * topic ACL as deploy/mosquitto/acl, and an optional TLS listener.
 */
export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const users = new Map((options.users ?? []).map((user) => [user.username, user]));
  checkUsers([...users.values()]);
  const allowAnonymous = options.allowAnonymous ?? false;
  if (users.size === 0 && !allowAnonymous) raise(BrokerErrors.NO_CREDENTIALS);
  const logger = options.logger;
  const access: BrokerAccess = {
    users,
    allowAnonymous,
    principals: new WeakMap(),
    refusals: { connect: 0, publish: 0, subscribe: 0 },
    logger,
  };

  const broker = await Aedes.createBroker({
    ...(options.persistence !== undefined ? { persistence: options.persistence } : {}),
    authenticate: authenticatorOf(access),
    authorizePublish: publishAuthorizerOf(access),
    authorizeSubscribe: subscribeAuthorizerOf(access),
  });
  broker.on('clientError', (client, error) =>
    logger.debug({ clientId: client.id, err: error.message }, 'broker client error'),
  );

  const { server, sockets, port } = await listen(broker, options);
  logger.info(
    { host: options.host, port, tls: options.tls !== undefined, users: users.size, allowAnonymous },
    'embedded MQTT broker listening',
  );

  return {
    port,
    refusals: () => ({ ...access.refusals }),
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** CONNECT: anonymous only in lab mode; otherwise a known user, the right password, and a client id the ACL allows. */
function authenticatorOf({
  users,
  allowAnonymous,
  principals,
  refusals,
  logger,
}: BrokerAccess): AedesOptions['authenticate'] {
  return (client, username, password, done) => {
    if (username === undefined || username === '') {
      if (allowAnonymous) {
        principals.set(client, ANONYMOUS);
        return done(null, true);
      }
      refusals.connect += 1;
      logger.warn({ clientId: client.id }, 'broker refused a connection without credentials');
      return done(authError(NOT_AUTHORIZED, 'credentials required'), false);
    }
    const user = users.get(username);
    if (user === undefined || !passwordMatches(user, password?.toString('utf8') ?? '')) {
      refusals.connect += 1;
      logger.warn({ clientId: client.id, username }, 'broker refused a connection: bad username or password');
      return done(authError(BAD_USERNAME_OR_PASSWORD, 'bad username or password'), false);
    }
    const principal: BrokerPrincipal = {
      username,
      role: user.role,
      siteId: user.siteId,
      gatewayId: user.gatewayId,
      tillId: user.tillId,
    };
    const verdict = mayConnect(principal, client.id);
    if (!verdict.allowed) {
      refusals.connect += 1;
      logger.warn({ clientId: client.id, username, reason: verdict.reason }, 'broker refused a connection');
      return done(authError(IDENTIFIER_REJECTED, verdict.reason), false);
    }
    principals.set(client, principal);
    return done(null, true);
  };
}

function publishAuthorizerOf({ principals, refusals, logger }: BrokerAccess): AedesOptions['authorizePublish'] {
  return (client, packet, done) => {
    // No client: a will aedes re-publishes from persistence after a restart; it was checked on connect.
    if (client === null) return done(null);
    const principal = principals.get(client);
    const verdict =
      principal === undefined
        ? { allowed: false as const, reason: 'not authenticated' }
        : mayPublish(principal, packet.topic);
    if (verdict.allowed) return done(null);
    refusals.publish += 1;
    logger.warn({ clientId: client.id, topic: packet.topic, reason: verdict.reason }, 'broker refused a publish');
    // An error disconnects the client (MQTT 3.1.1 has no negative PUBACK): a misbehaving gateway cannot keep trying.
    return done(makeError(BrokerErrors.PUBLISH_REFUSED, { reason: verdict.reason }));
  };
}

function subscribeAuthorizerOf({ principals, refusals, logger }: BrokerAccess): AedesOptions['authorizeSubscribe'] {
  return (client, subscription, done) => {
    const principal = principals.get(client);
    const verdict =
      principal === undefined
        ? { allowed: false as const, reason: 'not authenticated' }
        : maySubscribe(principal, subscription.topic);
    if (verdict.allowed) return done(null, subscription);
    refusals.subscribe += 1;
    logger.warn(
      { clientId: client.id, topic: subscription.topic, reason: verdict.reason },
      'broker refused a subscription',
    );
    // A null subscription answers SUBACK 0x80 (failure) and keeps the connection.
    return done(null, null);
  };
}

/** The TCP or TLS listener; sockets are tracked so close() can end them (aedes does not). */
async function listen(
  broker: Aedes,
  options: EmbeddedBrokerOptions,
): Promise<{ server: Server; sockets: Set<Socket>; port: number }> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    broker.handle(socket);
  };
  const server: Server =
    options.tls === undefined
      ? createNetServer(track)
      : createTlsServer(
          {
            key: options.tls.key,
            cert: options.tls.cert,
            ...(options.tls.ca !== undefined ? { ca: options.tls.ca } : {}),
            requestCert: options.tls.requestClientCert ?? false,
            rejectUnauthorized: options.tls.requestClientCert ?? false,
          },
          track,
        );

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(
        makeError(BrokerErrors.LISTEN_FAILED, { host: options.host, port: options.port, reason: error.message }, error),
      ),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  return { server, sockets, port };
}
