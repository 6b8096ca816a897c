// Minimal Kafka wire-protocol probes (node builtins only) used by scripts/services.mjs to wait for
// the broker to be really usable: Metadata v0 (the broker answers and lists itself) and
// FindCoordinator v0 (the group coordinator is up, i.e. __consumer_offsets exists).
// Both versions are inside the ranges Kafka 3.x and 4.x accept.
import net from 'node:net';

const CLIENT_ID = 'mesh-services-probe';

function frame(apiKey, apiVersion, body) {
  const client = Buffer.from(CLIENT_ID, 'utf8');
  const header = Buffer.alloc(10 + client.length);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(apiVersion, 2);
  header.writeInt32BE(1, 4); // correlation id
  header.writeInt16BE(client.length, 8);
  client.copy(header, 10);
  const size = Buffer.alloc(4);
  size.writeInt32BE(header.length + body.length, 0);
  return Buffer.concat([size, header, body]);
}

/** Sends one request and resolves with the response body (after the correlation id). */
function request(host, port, apiKey, apiVersion, body, timeoutMs) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let data = Buffer.alloc(0);
    const done = (err, value) => {
      socket.destroy();
      if (err) reject(err);
      else resolve(value);
    };
    socket.setTimeout(timeoutMs, () => done(new Error(`no answer from ${host}:${port} in ${timeoutMs} ms`)));
    socket.on('error', (err) => done(err));
    socket.on('connect', () => socket.write(frame(apiKey, apiVersion, body)));
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      if (data.length >= 4 && data.length >= 4 + data.readInt32BE(0)) done(null, data.subarray(8));
    });
    socket.on('end', () => done(new Error(`connection to ${host}:${port} closed before a full answer`)));
  });
}

function readString(buf, offset) {
  const len = buf.readInt16BE(offset);
  return { value: len < 0 ? null : buf.toString('utf8', offset + 2, offset + 2 + len), next: offset + 2 + Math.max(len, 0) };
}

/** Metadata v0 with an empty topic list; resolves with the brokers the cluster advertises. */
export async function kafkaBrokers(host, port, timeoutMs = 2000) {
  const body = Buffer.alloc(4); // topics: empty array (v0: all topics)
  const res = await request(host, port, 3, 0, body, timeoutMs);
  const count = res.readInt32BE(0);
  const brokers = [];
  let offset = 4;
  for (let i = 0; i < count; i++) {
    const nodeId = res.readInt32BE(offset);
    const hostField = readString(res, offset + 4);
    const brokerPort = res.readInt32BE(hostField.next);
    brokers.push({ nodeId, host: hostField.value, port: brokerPort });
    offset = hostField.next + 4;
  }
  return brokers;
}

/** FindCoordinator v0 for a group; resolves with the Kafka error code (0 = coordinator available). */
export async function groupCoordinatorError(host, port, groupId, timeoutMs = 2000) {
  const group = Buffer.from(groupId, 'utf8');
  const body = Buffer.alloc(2 + group.length);
  body.writeInt16BE(group.length, 0);
  group.copy(body, 2);
  const res = await request(host, port, 10, 0, body, timeoutMs);
  return res.readInt16BE(0);
}
