// Preloaded (`node --import`) into the language server under test: every network connection and
// DNS lookup is refused and reported on stderr, so a test can prove the editor check is offline.
import dns from 'node:dns';
import net from 'node:net';

function refuse(what) {
  process.stderr.write(`network attempt refused: ${what}\n`);
  throw new Error(`the network is off in this test (${what})`);
}

net.Socket.prototype.connect = function connect(...args) {
  refuse(`connect ${JSON.stringify(args[0])}`);
};
dns.lookup = (host) => refuse(`lookup ${host}`);
